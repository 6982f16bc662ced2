import pg from 'pg';
import { migrateDatabase } from '#platform';
import { migrations } from '#migrations';
import { testDatabaseUrl } from './harness.js';

export interface OwnDatabase {
  /** Its DATABASE_URL and QUEUE_PREFIX, to start the api and workers on. */
  env: { DATABASE_URL: string; QUEUE_PREFIX: string };
  drop(): Promise<void>;
}

/**
 * A migrated database and queue prefix of a file's own, for a test whose subject is the state of
 * the whole database (the oldest INITIATED payment, the queue), which the run's other files share
 * and leave payments in. Dropped by `drop()` unless KEEP_TEST_DATABASE is set; its queue keys go
 * with the run's (they share its prefix).
 */
export async function ownDatabase(label: string): Promise<OwnDatabase> {
  const url = new URL(testDatabaseUrl());
  const name = `${decodeURIComponent(url.pathname.slice(1))}_${label}`;
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString(), migrations);
  return {
    env: { DATABASE_URL: url.toString(), QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-${label}` },
    async drop() {
      if (process.env.KEEP_TEST_DATABASE) return;
      const admin = new URL(url);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
