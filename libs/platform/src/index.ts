export { ACCESS_TOKEN_STRATEGY, API_KEY_REFUSED } from './auth/access-token.guard.js';
export type { AuthUser, CredentialKind, Role } from './auth/auth-user.js';
export { AdminOnly, CurrentUser, LoginOnly, Public } from './auth/auth.decorators.js';
export { AppConfig } from './config/app-config.js';
export type { CommissionRule } from './config/app-config.js';
export { checkConnections } from './config/check-connections.js';
export { checkPort, listenOn } from './config/listen.js';
export { loadConfig } from './config/load-config.js';
export { STATEMENT_TIMEOUT_MS } from './database/data-source-options.js';
export { deleteInBatches } from './database/delete-in-batches.js';
export { migrateDatabase, revertLastMigration } from './database/migrate.js';
export { BatchStatement, PreparedStatement } from './database/prepared-statement.js';
export { retryingTransaction } from './database/retrying-transaction.js';
export { EXPECTED_SERVER_SETTINGS, ServerSettingsCheck, settingWarnings } from './database/server-settings.js';
export * from './errors/common.errors.js';
export { DomainError } from './errors/domain-error.js';
export type { FieldProblem } from './errors/domain-error.js';
export { problem } from './errors/problem-details.js';
export { HealthModule, Readiness } from './health/health.module.js';
export { HealthDetails } from './health/health-details.js';
export { buildOpenApiDocument, configureHttpApp, useApiPrefix } from './http/configure-http-app.js';
export { shutDownGracefully } from './http/graceful-shutdown.js';
export { createHttpAdapter, LargeBody } from './http/http-adapter.js';
export { ListQueries } from './list-query/list-query.js';
export type { ListSpec, Page } from './list-query/list-spec.js';
export { Counter, Gauge, Histogram, metric } from './metrics/metrics.js';
export { MetricsModule } from './metrics/metrics.module.js';
export { IsAmount, IsCurrencyCode } from './money/amount.decorators.js';
export { Currencies } from './money/currencies.js';
export { currencyOf } from './money/currency.js';
export type { Currency } from './money/currency.js';
export { divideHalfEven, formatAmount, isAmount, pow10 } from './money/money.js';
export { InvalidAmount, UnsupportedCurrency } from './money/money.errors.js';
export { AuthGuardModule, PlatformModule } from './platform.module.js';
export { createRedisClient } from './redis/redis.module.js';
export { runMain } from './config/run-main.js';
export { ApiProblems } from './http/api-problems.decorator.js';
export { ApiMoney } from './http/api-money.decorator.js';
export { ApiWebhooks } from './http/api-webhooks.decorator.js';
export type { DocumentedWebhooks } from './http/api-webhooks.decorator.js';
export { ApiListQuery, ListQueryString } from './list-query/list-query.decorators.js';
export { isUniqueViolation } from './errors/unique-violation.js';
export { isUuid } from './http/uuid.js';
export { UnprefixedController } from './http/unprefixed-controller.js';
export { AppLogger, logDestination } from './logging/app-logger.js';
export { QueueModule } from './queue/queue.module.js';
export { QueueDashboardModule } from './http/queue-dashboard.module.js';
export { Coalescer, KeyFailed } from './concurrency/coalescer.js';
export { withTimeout } from './concurrency/with-timeout.js';
export { RedisBudget } from './rate-limits/redis-budget.js';
export {
  canonicalMetadata,
  IsMetadata,
  mergeMetadata,
  metadataProblem,
  METADATA_KEY,
  METADATA_MAX_KEYS,
} from './metadata/metadata.js';
export type { Metadata, MetadataPatch } from './metadata/metadata.js';
export { csvFields, csvFile, csvRecord, wantsCsv } from './http/csv.js';
export type { CsvExport } from './http/csv.js';
export { ApiCsvExport } from './http/api-csv-export.decorator.js';
export { isRealCalendarTime } from './time/calendar.js';
