import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OpenAccountHandler } from './commands/open-account/open-account.handler.js';
import { AccountAccess } from './domain/account-access.js';
import { GetAccountHandler } from './queries/get-account/get-account.handler.js';
import { ListAccountsHandler } from './queries/list-accounts/list-accounts.handler.js';
import { TechnicalAccounts } from './technical/technical-accounts.js';

@Module({
  imports: [CqrsModule],
  providers: [AccountAccess, TechnicalAccounts, OpenAccountHandler, GetAccountHandler, ListAccountsHandler],
  exports: [AccountAccess, TechnicalAccounts],
})
export class AccountsModule {}
