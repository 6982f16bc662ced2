import { bool, cleanEnv, makeValidator, port, str, url } from 'envalid';
import { isKnownCurrency } from '../money/currency.js';

export interface CommissionRule {
  bps: number;
  min: number;
  max?: number;
}
export type CommissionSchedule = Record<'TRANSFER' | 'WITHDRAWAL' | 'DEPOSIT' | 'REFUND', CommissionRule>;

export const DEFAULT_COMMISSION_SCHEDULE: CommissionSchedule = {
  TRANSFER: { bps: 50, min: 1 },
  WITHDRAWAL: { bps: 100, min: 50 },
  DEPOSIT: { bps: 0, min: 0 },
  REFUND: { bps: 0, min: 0 },
};

/** A setting the process cannot start with; runMain prints its message as one line, without a stack. */
export class ConfigError extends Error {}

const durationPattern = /^(\d+)(ms|s|m|h|d)$/;
const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const duration = makeValidator<number>((input) => {
  const match = durationPattern.exec(input.trim());
  if (!match) throw new Error('expected a duration such as 15m, 12h or 7d');
  return Number(match[1]) * durationUnits[match[2]];
});

const currencyList = makeValidator<string[]>((input) => {
  const codes = input
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean);
  if (codes.length === 0) throw new Error('expected a comma-separated list of ISO 4217 codes');
  const unknown = codes.filter((code) => !isKnownCurrency(code));
  if (unknown.length) throw new Error(`unknown currency code(s): ${unknown.join(', ')}`);
  return [...new Set(codes)];
});

const positiveInt = makeValidator<number>((input) => {
  if (!/^[1-9][0-9]*$/.test(input.trim())) throw new Error('expected a positive integer');
  return Number(input);
});

const MAX_COMMISSION_BPS = 10_000;

const nonNegativeInt = makeValidator<number>((input) => {
  if (!/^(0|[1-9][0-9]*)$/.test(input.trim())) throw new Error('expected a non-negative integer');
  return Number(input);
});

/** `scheme://user:password@host` with the password starred, wherever it appears in `text`. */
export function withoutPasswords(text: string): string {
  return text.replace(/(\/\/[^\s/:@]*):[^\s]*@/g, '$1:***@');
}

const commissionSchedule = makeValidator<CommissionSchedule>((input) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    throw new Error('expected JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Error('expected a JSON object');
  const schedule: CommissionSchedule = { ...DEFAULT_COMMISSION_SCHEDULE };
  for (const [type, rule] of Object.entries(parsed as Record<string, unknown>)) {
    if (!(type in DEFAULT_COMMISSION_SCHEDULE)) throw new Error(`unknown payment type ${type}`);
    const { bps, min = 0, max } = (rule ?? {}) as Record<string, unknown>;
    const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!isCount(bps) || !isCount(min) || (max !== undefined && !isCount(max))) {
      throw new Error(`${type}: bps, min and max must be non-negative integers`);
    }
    // At most the whole amount: a commission then fits a BIGINT as the amount does, whatever the amount.
    if ((bps as number) > MAX_COMMISSION_BPS) throw new Error(`${type}: bps must be at most ${MAX_COMMISSION_BPS}`);
    if (max !== undefined && (max as number) < (min as number)) throw new Error(`${type}: max is below min`);
    schedule[type as keyof CommissionSchedule] = {
      bps: bps as number,
      min: min as number,
      ...(max !== undefined ? { max: max as number } : {}),
    };
  }
  return schedule;
});

/**
 * The whole configuration, read and validated once at start-up. Nothing else reads process.env.
 */
export class AppConfig {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly port: number;
  readonly workerPort: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly jwtSecret: string;
  readonly tokenTtlMs: number;
  readonly smtpUrl?: string;
  readonly publicUrl: string;
  readonly adminEmail?: string;
  readonly adminPassword?: string;
  readonly currencies: string[];
  readonly workerConcurrency: number;
  readonly sweepIntervalMs: number;
  readonly sweepStaleAfterMs: number;
  /** How long a manual-capture hold lives uncaptured. */
  readonly holdTtlMs: number;
  readonly queuePrefix: string;
  readonly loginLimitPerEmail: number;
  readonly loginLimitPerIp: number;
  /** Requests a minute under /api/v1 per credential and per IP, across instances; 0: no limit. */
  readonly rateLimitPerCredential: number;
  readonly rateLimitPerIp: number;
  readonly commissionSchedule: CommissionSchedule;
  readonly logLevel: string;
  readonly corsOrigins: string[];
  readonly dbPoolSize: number;
  /** A webhook delivery not answered 2xx within this is retried. */
  readonly webhookTimeoutMs: number;
  /** The first retry's delay; each further one doubles it. */
  readonly webhookRetryBaseMs: number;
  readonly webhookMaxAttempts: number;
  /** Lets endpoints be plain http and resolve to private addresses: development and tests only. */
  readonly webhookAllowInsecure: boolean;
  /** How often a worker looks for due deliveries besides being notified of new ones. */
  readonly webhookPollIntervalMs: number;
  /** Payments are refused (503) while the oldest INITIATED one is older than this. */
  readonly backpressureMaxBacklogMs: number;
  /** Payments are refused (503) while more jobs than this wait in the payments queue. */
  readonly backpressureMaxQueueDepth: number;
  /** Endpoints one user may have: each multiplies the deliveries written inside every posting. */
  readonly webhookMaxEndpointsPerUser: number;
  /** When set, /metrics answers only `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken?: string;
  /** How often a worker refreshes the ledger's balance sums (billing_ledger_balance_sum). */
  readonly balanceCheckIntervalMs: number;
  /** Deliveries a worker sends at once, all endpoints together. */
  readonly webhookConcurrency: number;
  /** Deliveries a worker sends at once to one endpoint; a slow or failing endpoint gets one. */
  readonly webhookEndpointConcurrency: number;
  /** Events, finished deliveries and capture Idempotency-Keys are kept this long, then purged. */
  readonly webhookRetentionDays: number;
  /** How often a worker purges what is past its retention. */
  readonly webhookPurgeIntervalMs: number;

  constructor(values: Omit<AppConfig, never>) {
    Object.assign(this, values);
  }

  static fromEnv(env: Record<string, string | undefined>): AppConfig {
    // `NAME=` in a .env file means "not set", so the default applies.
    const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
    const e = cleanEnv(
      given,
      {
        NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
        PORT: port({ default: 3000 }),
        WORKER_PORT: port({ default: 3001 }),
        DATABASE_URL: url({ default: 'postgres://postgres@127.0.0.1:5432/billing' }),
        REDIS_URL: url({ default: 'redis://127.0.0.1:6379' }),
        JWT_SECRET: str({
          default: undefined,
          desc: 'required in production',
          requiredWhen: (env) => env.NODE_ENV === 'production',
        }),
        TOKEN_TTL: duration({ default: 7 * durationUnits.d }),
        SMTP_URL: url({ default: undefined }),
        PUBLIC_URL: url({ default: undefined, desc: 'default http://localhost:$PORT' }),
        ADMIN_EMAIL: str({
          default: undefined,
          desc: 'required with ADMIN_PASSWORD',
          requiredWhen: (env) => Boolean(env.ADMIN_PASSWORD),
        }),
        ADMIN_PASSWORD: str({
          default: undefined,
          desc: 'required with ADMIN_EMAIL',
          requiredWhen: (env) => Boolean(env.ADMIN_EMAIL),
        }),
        CURRENCIES: currencyList({ default: ['USD', 'EUR', 'GBP', 'RUB', 'JPY'] }),
        WORKER_CONCURRENCY: positiveInt({ default: 16 }),
        SWEEP_INTERVAL_MS: positiveInt({ default: 30_000 }),
        SWEEP_STALE_AFTER_MS: nonNegativeInt({ default: 60_000 }),
        HOLD_TTL_MS: positiveInt({ default: 7 * durationUnits.d }),
        QUEUE_PREFIX: str({ default: 'billing' }),
        LOGIN_LIMIT_PER_EMAIL: positiveInt({ default: 10 }),
        LOGIN_LIMIT_PER_IP: positiveInt({ default: 300 }),
        RATE_LIMIT_PER_CREDENTIAL: nonNegativeInt({ default: 6000 }),
        RATE_LIMIT_PER_IP: nonNegativeInt({ default: 12_000 }),
        COMMISSION_SCHEDULE: commissionSchedule({ default: DEFAULT_COMMISSION_SCHEDULE }),
        LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
        CORS_ORIGINS: str({ default: '' }),
        DB_POOL_SIZE: positiveInt({ default: 20 }),
        WEBHOOK_TIMEOUT_MS: positiveInt({ default: 5000 }),
        WEBHOOK_RETRY_BASE_MS: positiveInt({ default: 60_000 }),
        WEBHOOK_MAX_ATTEMPTS: positiveInt({ default: 12 }),
        WEBHOOK_ALLOW_INSECURE: bool({ default: false }),
        WEBHOOK_POLL_INTERVAL_MS: positiveInt({ default: 1000 }),
        BACKPRESSURE_MAX_BACKLOG_MS: positiveInt({ default: 5000 }),
        BACKPRESSURE_MAX_QUEUE_DEPTH: positiveInt({ default: 10_000 }),
        WEBHOOK_MAX_ENDPOINTS_PER_USER: positiveInt({ default: 16 }),
        METRICS_TOKEN: str({ default: undefined }),
        BALANCE_CHECK_INTERVAL_MS: positiveInt({ default: 60_000 }),
        WEBHOOK_CONCURRENCY: positiveInt({ default: 64 }),
        WEBHOOK_ENDPOINT_CONCURRENCY: positiveInt({ default: 16 }),
        WEBHOOK_RETENTION_DAYS: positiveInt({ default: 30 }),
        WEBHOOK_PURGE_INTERVAL_MS: positiveInt({ default: 60_000 }),
      },
      {
        // Every bad value at once, so a fix is not followed by the next complaint.
        reporter: ({ errors }) => {
          const problems = Object.entries(errors).map(([name, error]) => `${name}: ${error?.message ?? 'invalid'}`);
          if (problems.length) throw new ConfigError(withoutPasswords(`Invalid configuration: ${problems.join('; ')}`));
        },
      },
    );
    return new AppConfig({
      nodeEnv: e.NODE_ENV,
      port: e.PORT,
      workerPort: e.WORKER_PORT,
      databaseUrl: e.DATABASE_URL,
      redisUrl: e.REDIS_URL,
      jwtSecret: e.JWT_SECRET ?? 'dev-only-secret-change-me',
      tokenTtlMs: e.TOKEN_TTL,
      smtpUrl: e.SMTP_URL,
      publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
      adminEmail: e.ADMIN_EMAIL,
      adminPassword: e.ADMIN_PASSWORD,
      currencies: e.CURRENCIES,
      workerConcurrency: e.WORKER_CONCURRENCY,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
      sweepStaleAfterMs: e.SWEEP_STALE_AFTER_MS,
      holdTtlMs: e.HOLD_TTL_MS,
      queuePrefix: e.QUEUE_PREFIX,
      loginLimitPerEmail: e.LOGIN_LIMIT_PER_EMAIL,
      loginLimitPerIp: e.LOGIN_LIMIT_PER_IP,
      rateLimitPerCredential: e.RATE_LIMIT_PER_CREDENTIAL,
      rateLimitPerIp: e.RATE_LIMIT_PER_IP,
      commissionSchedule: e.COMMISSION_SCHEDULE,
      logLevel: e.LOG_LEVEL,
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      dbPoolSize: e.DB_POOL_SIZE,
      webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
      webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      webhookAllowInsecure: e.WEBHOOK_ALLOW_INSECURE,
      webhookPollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
      backpressureMaxBacklogMs: e.BACKPRESSURE_MAX_BACKLOG_MS,
      backpressureMaxQueueDepth: e.BACKPRESSURE_MAX_QUEUE_DEPTH,
      webhookMaxEndpointsPerUser: e.WEBHOOK_MAX_ENDPOINTS_PER_USER,
      metricsToken: e.METRICS_TOKEN,
      balanceCheckIntervalMs: e.BALANCE_CHECK_INTERVAL_MS,
      webhookConcurrency: e.WEBHOOK_CONCURRENCY,
      webhookEndpointConcurrency: e.WEBHOOK_ENDPOINT_CONCURRENCY,
      webhookRetentionDays: e.WEBHOOK_RETENTION_DAYS,
      webhookPurgeIntervalMs: e.WEBHOOK_PURGE_INTERVAL_MS,
    });
  }
}
