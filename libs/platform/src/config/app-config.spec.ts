import { AppConfig, ConfigError, DEFAULT_COMMISSION_SCHEDULE } from './app-config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    AppConfig.fromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('AppConfig', () => {
  it("defaults to the values in the contract's table", () => {
    const config = AppConfig.fromEnv({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      workerPort: 3001,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/billing',
      redisUrl: 'redis://127.0.0.1:6379',
      tokenTtlMs: 7 * 24 * 3_600_000,
      publicUrl: 'http://localhost:3000',
      currencies: ['USD', 'EUR', 'GBP', 'RUB', 'JPY'],
      workerConcurrency: 16,
      sweepIntervalMs: 30_000,
      sweepStaleAfterMs: 60_000,
      queuePrefix: 'billing',
      loginLimitPerEmail: 10,
      loginLimitPerIp: 300,
      backpressureMaxBacklogMs: 5000,
      backpressureMaxQueueDepth: 10_000,
      rateLimitPerCredential: 6000,
      rateLimitPerIp: 12_000,
    });
    expect(config.smtpUrl).toBeUndefined();
    expect(config.adminEmail).toBeUndefined();
    expect(config.adminPassword).toBeUndefined();
    expect(config.commissionSchedule).toEqual({
      TRANSFER: { bps: 50, min: 1 },
      WITHDRAWAL: { bps: 100, min: 50 },
      DEPOSIT: { bps: 0, min: 0 },
      REFUND: { bps: 0, min: 0 },
    });
    expect(config.jwtSecret).toEqual(expect.any(String));
  });

  it('links e-mails to the api on its PORT unless PUBLIC_URL says otherwise', () => {
    expect(AppConfig.fromEnv({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    const config = AppConfig.fromEnv({ PORT: '8080', PUBLIC_URL: 'https://pay.example.com' });
    expect(config.publicUrl).toBe('https://pay.example.com');
  });

  it('turns a rate limit off with 0', () => {
    const config = AppConfig.fromEnv({ RATE_LIMIT_PER_CREDENTIAL: '0', RATE_LIMIT_PER_IP: '0' });
    expect(config).toMatchObject({ rateLimitPerCredential: 0, rateLimitPerIp: 0 });
  });

  it('takes a REFUND rule in COMMISSION_SCHEDULE, keeping the defaults of the types it does not name', () => {
    expect(
      AppConfig.fromEnv({ COMMISSION_SCHEDULE: '{"REFUND":{"bps":25,"min":5}}' }).commissionSchedule,
    ).toMatchObject({
      TRANSFER: { bps: 50, min: 1 },
      REFUND: { bps: 25, min: 5 },
    });
  });

  it('treats an empty value (NAME= in a .env file) as unset', () => {
    const config = AppConfig.fromEnv({ SMTP_URL: '', JWT_SECRET: '', PORT: '', ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    expect(config).toMatchObject({ port: 3000, smtpUrl: undefined, adminEmail: undefined });
    expect(configError({ NODE_ENV: 'production', JWT_SECRET: '' }).message).toMatch(/JWT_SECRET/);
  });

  it('reads every variable it is given', () => {
    const config = AppConfig.fromEnv({
      NODE_ENV: 'production',
      PORT: '8080',
      WORKER_PORT: '8081',
      DATABASE_URL: 'postgres://app:pw@db:5432/ledger',
      REDIS_URL: 'redis://cache:6380',
      JWT_SECRET: 'a-long-production-secret',
      TOKEN_TTL: '15m',
      SMTP_URL: 'smtp://mail:1025',
      PUBLIC_URL: 'https://pay.example.com/',
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'admin-password',
      CURRENCIES: 'usd, jpy,KWD',
      WORKER_CONCURRENCY: '4',
      SWEEP_INTERVAL_MS: '1000',
      SWEEP_STALE_AFTER_MS: '0',
      QUEUE_PREFIX: 'staging',
      LOGIN_LIMIT_PER_EMAIL: '3',
      LOGIN_LIMIT_PER_IP: '30',
      COMMISSION_SCHEDULE: '{"TRANSFER":{"bps":25,"min":10,"max":500}}',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      workerPort: 8081,
      databaseUrl: 'postgres://app:pw@db:5432/ledger',
      redisUrl: 'redis://cache:6380',
      jwtSecret: 'a-long-production-secret',
      tokenTtlMs: 15 * 60_000,
      smtpUrl: 'smtp://mail:1025',
      publicUrl: 'https://pay.example.com',
      adminEmail: 'admin@example.com',
      adminPassword: 'admin-password',
      currencies: ['USD', 'JPY', 'KWD'],
      workerConcurrency: 4,
      sweepIntervalMs: 1000,
      sweepStaleAfterMs: 0,
      queuePrefix: 'staging',
      loginLimitPerEmail: 3,
      loginLimitPerIp: 30,
    });
    expect(config.commissionSchedule).toEqual({
      ...DEFAULT_COMMISSION_SCHEDULE,
      TRANSFER: { bps: 25, min: 10, max: 500 },
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['WORKER_PORT', '-1'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'localhost'],
    ['TOKEN_TTL', 'forever'],
    ['TOKEN_TTL', '7 days'],
    ['SMTP_URL', 'mail server'],
    ['PUBLIC_URL', 'example.com'],
    ['CURRENCIES', 'XXX'],
    ['CURRENCIES', 'USD,DOGE'],
    ['CURRENCIES', ','],
    ['WORKER_CONCURRENCY', '0'],
    ['WORKER_CONCURRENCY', '1.5'],
    ['SWEEP_INTERVAL_MS', 'often'],
    ['SWEEP_STALE_AFTER_MS', '-1'],
    ['LOGIN_LIMIT_PER_EMAIL', 'ten'],
    ['LOGIN_LIMIT_PER_IP', '-300'],
    ['COMMISSION_SCHEDULE', 'not json'],
    ['COMMISSION_SCHEDULE', '[1]'],
    ['COMMISSION_SCHEDULE', '{"CHARGEBACK":{"bps":1}}'],
    ['COMMISSION_SCHEDULE', '{"TRANSFER":{"bps":-1}}'],
    ['COMMISSION_SCHEDULE', '{"TRANSFER":{"bps":50,"min":"1"}}'],
    ['COMMISSION_SCHEDULE', '{"TRANSFER":{"bps":50,"min":10,"max":5}}'],
    ['NODE_ENV', 'staging'],
  ])('refuses %s=%j with one line naming it', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(name);
  });

  it('takes a commission of up to the whole amount, 10000 bps, so that it fits a BIGINT as the amount does', () => {
    expect(
      AppConfig.fromEnv({ COMMISSION_SCHEDULE: '{"WITHDRAWAL":{"bps":10000}}' }).commissionSchedule.WITHDRAWAL,
    ).toEqual({ bps: 10000, min: 0 });
    expect(configError({ COMMISSION_SCHEDULE: '{"WITHDRAWAL":{"bps":10001}}' }).message).toContain(
      'bps must be at most 10000',
    );
  });

  it('names every bad value in one line, not only the first', () => {
    const error = configError({
      NODE_ENV: 'production',
      PORT: 'abc',
      CURRENCIES: 'USD,DOGE',
      SWEEP_STALE_AFTER_MS: '-1',
      ADMIN_EMAIL: 'admin@example.com',
    });
    expect(error.message).not.toContain('\n');
    for (const name of ['PORT', 'CURRENCIES', 'SWEEP_STALE_AFTER_MS', 'JWT_SECRET', 'ADMIN_PASSWORD'])
      expect(error.message).toContain(name);
  });

  it('never repeats the password of a malformed URL', () => {
    const error = configError({
      DATABASE_URL: 'postgres://app:s3cret@db:port/ledger',
      SMTP_URL: 'smtp://mailer:pa$$@mail:25x',
    });
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('SMTP_URL');
    expect(error.message).not.toMatch(/s3cret|pa\$\$/);
  });

  it('requires JWT_SECRET in production only', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('JWT_SECRET');
    expect(AppConfig.fromEnv({ NODE_ENV: 'development' }).jwtSecret).toEqual(expect.any(String));
    expect(AppConfig.fromEnv({ NODE_ENV: 'test' }).jwtSecret).toEqual(expect.any(String));
    expect(AppConfig.fromEnv({ NODE_ENV: 'production', JWT_SECRET: 's3cret' }).jwtSecret).toBe('s3cret');
  });

  it('refuses an admin e-mail without a password, naming both', () => {
    const error = configError({ ADMIN_EMAIL: 'admin@example.com' });
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('ADMIN_EMAIL');
    expect(error.message).toContain('ADMIN_PASSWORD');
  });
});
