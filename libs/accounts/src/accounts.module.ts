import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CloseAccountHandler } from './commands/close-account/close-account.handler.js';
import { FreezeAccountHandler } from './commands/freeze-account/freeze-account.handler.js';
import { OpenAccountHandler } from './commands/open-account/open-account.handler.js';
import { UnfreezeAccountHandler } from './commands/unfreeze-account/unfreeze-account.handler.js';
import { UpdateAccountHandler } from './commands/update-account/update-account.handler.js';
import { AccountAccess } from './domain/account-access.js';
import { AccountState } from './domain/account-state.js';
import { GetAccountHandler } from './queries/get-account/get-account.handler.js';
import { ListAccountsHandler } from './queries/list-accounts/list-accounts.handler.js';
import { TechnicalAccounts } from './technical/technical-accounts.js';

@Module({
  imports: [CqrsModule],
  providers: [
    AccountAccess,
    AccountState,
    TechnicalAccounts,
    OpenAccountHandler,
    UpdateAccountHandler,
    FreezeAccountHandler,
    UnfreezeAccountHandler,
    CloseAccountHandler,
    GetAccountHandler,
    ListAccountsHandler,
  ],
  exports: [AccountAccess, TechnicalAccounts],
})
export class AccountsModule {}
