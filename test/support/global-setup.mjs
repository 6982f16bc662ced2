// Creates this run's own database (its name contains "test") and queue prefix, shared by every
// test file through the environment. Migrations run in the harness, so they are TypeScript-aware.
import pg from 'pg';

export default async function globalSetup() {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/billing');
  const name = `billing_test_${Date.now()}_${process.pid}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  base.pathname = `/${name}`;
  process.env.DATABASE_URL = base.toString();
  process.env.QUEUE_PREFIX = `test-${name}`;
  process.env.NODE_ENV = 'test';
  process.env.JWT_SECRET ??= 'test-only-secret';
  process.env.LOG_LEVEL ??= 'silent';
  // Every file shares this database, and many run the api without a worker on purpose: the payments
  // they leave INITIATED would be a posting backlog for every file after them. Backpressure is
  // tested in its own database (backpressure.e2e-spec.ts), with its own bound.
  process.env.BACKPRESSURE_MAX_BACKLOG_MS ??= '86400000';
  // Every test sends from 127.0.0.1, many with one token: budgets no suite reaches, still counted on every request.
  process.env.RATE_LIMIT_PER_IP ??= '10000000';
  process.env.RATE_LIMIT_PER_CREDENTIAL ??= '10000000';
  process.env.TEST_DATABASE_NAME = name;
}
