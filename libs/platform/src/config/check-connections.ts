import { Redis } from 'ioredis';
import { Client } from 'pg';
import { type AppConfig, ConfigError, withoutPasswords } from './app-config.js';

const CONNECT_TIMEOUT_MS = 3000;
const DATABASE_MISSING = '3D000';

/** Node gives a host with several addresses (localhost: ::1 and 127.0.0.1) an AggregateError with an empty message. */
function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return [...new Set(error.errors.map(reason))].join(', ');
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

async function connectToPostgres(url: string, databaseMayBeMissing: boolean): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
  } catch (error) {
    if (databaseMayBeMissing && (error as { code?: string }).code === DATABASE_MISSING) return;
    throw error;
  }
  await client.end();
}

async function connectToRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  let cause: unknown;
  client.on('error', (error: Error) => (cause ??= error)); // connect() itself rejects with a bare "Connection is closed."
  try {
    await client.connect();
  } catch (error) {
    throw cause ?? error;
  } finally {
    client.disconnect();
  }
}

/**
 * Connects once to PostgreSQL and Redis before anything else does, so that an unreachable one
 * stops the process at once with one line naming its variable, instead of Nest's retries and
 * stack traces, or a process that starts and then fails every request. Both are tried together
 * and both named when both fail; a password in a URL is never printed.
 */
export async function checkConnections(
  config: AppConfig,
  { redis = true, databaseMayBeMissing = false } = {},
): Promise<void> {
  const targets: Array<[name: string, url: string, connect: () => Promise<void>]> = [
    ['DATABASE_URL', config.databaseUrl, () => connectToPostgres(config.databaseUrl, databaseMayBeMissing)],
  ];
  if (redis) targets.push(['REDIS_URL', config.redisUrl, () => connectToRedis(config.redisUrl)]);
  const outcomes = await Promise.allSettled(targets.map(([, , connect]) => connect()));
  const failures = outcomes.flatMap((outcome, i) =>
    outcome.status === 'rejected'
      ? [`cannot reach ${targets[i][0]} (${targets[i][1]}): ${reason(outcome.reason)}`]
      : [],
  );
  if (failures.length) throw new ConfigError(withoutPasswords(failures.join('; ')));
}
