import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from '#accounts';
import { PostOperationsHandler } from './commands/post-operations/post-operations.handler.js';
import { CheckTrialBalanceHandler } from './queries/check-trial-balance/check-trial-balance.handler.js';
import { GetStatementHandler } from './queries/get-statement/get-statement.handler.js';

@Module({
  imports: [CqrsModule, AccountsModule],
  providers: [PostOperationsHandler, GetStatementHandler, CheckTrialBalanceHandler],
})
export class LedgerModule {}
