import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from '#accounts';
import { PostOperationsHandler } from './commands/post-operations/post-operations.handler.js';
import { CheckTrialBalanceHandler } from './queries/check-trial-balance/check-trial-balance.handler.js';
import { GetBalanceAtHandler } from './queries/get-balance-at/get-balance-at.handler.js';
import { ListBalancesHandler } from './queries/list-balances/list-balances.handler.js';
import { ForecastPostingsHandler } from './queries/forecast-postings/forecast-postings.handler.js';
import { ExportStatementHandler } from './queries/export-statement/export-statement.handler.js';
import { GetStatementHandler } from './queries/get-statement/get-statement.handler.js';

@Module({
  imports: [CqrsModule, AccountsModule],
  providers: [
    PostOperationsHandler,
    GetStatementHandler,
    CheckTrialBalanceHandler,
    GetBalanceAtHandler,
    ListBalancesHandler,
    ExportStatementHandler,
    ForecastPostingsHandler,
  ],
})
export class LedgerModule {}
