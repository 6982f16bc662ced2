import pg from 'pg';
import { Redis } from 'ioredis';
// Built by `npm test` before jest starts; the same readings as the admin ledger check.
import { TRIAL_BALANCE_SQL } from '#ledger';

/**
 * The run's last word on the ledger: after every test, operations sum to zero in each currency and
 * every balance equals its operations. Then drops this run's database and queue keys, unless
 * KEEP_TEST_DATABASE is set (to inspect a failure).
 */
export default async function globalTeardown() {
  const name = process.env.TEST_DATABASE_NAME;
  if (!name) return;
  const unbalanced = await trialBalanceProblems(process.env.DATABASE_URL);
  if (!process.env.KEEP_TEST_DATABASE) await dropRun(name);
  if (unbalanced.length) throw new Error(`the ledger does not balance after the test run: ${unbalanced.join('; ')}`);
}

async function trialBalanceProblems(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query(`SELECT to_regclass('operations') IS NOT NULL AS migrated`);
    if (!tables[0].migrated) return [];
    const { rows: sums } = await client.query(TRIAL_BALANCE_SQL.sumsByCurrency);
    const { rows: accounts } = await client.query(TRIAL_BALANCE_SQL.mismatchedAccounts);
    return [
      ...sums.filter((c) => BigInt(c.sum) !== 0n).map((c) => `${c.currency} sums to ${c.sum}`),
      ...accounts.map(
        (a) => `account ${a.id}: balance ${a.balance}, operations ${a.total}; held ${a.held}, live holds ${a.holds}`,
      ),
    ];
  } finally {
    await client.end();
  }
}

async function dropRun(name) {
  const admin = new URL(process.env.DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.QUEUE_PREFIX}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
