export { PostOperations } from './commands/post-operations/post-operations.command.js';
export { UnbalancedPosting } from './domain/ledger.errors.js';
export { FAILURE_REASONS } from './domain/posting.js';
export type {
  Condition,
  FailureReason,
  Hold,
  Leg,
  OperationType,
  Posting,
  PostingOutcome,
  Settlement,
} from './domain/posting.js';
export { LedgerHttpModule } from './ledger-http.module.js';
export { LedgerModule } from './ledger.module.js';
export { CheckTrialBalance } from './queries/check-trial-balance/check-trial-balance.query.js';
export type { TrialBalance } from './queries/check-trial-balance/check-trial-balance.query.js';
export { TRIAL_BALANCE_SQL } from './domain/trial-balance.sql.js';
export { LedgerMonitorModule } from './ledger-monitor.module.js';
export { ForecastPostings } from './queries/forecast-postings/forecast-postings.query.js';
export type {
  Forecast,
  ForecastBalance,
  ForecastOutcome,
} from './queries/forecast-postings/forecast-postings.query.js';
