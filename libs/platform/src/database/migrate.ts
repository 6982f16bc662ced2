import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

/** CREATE DATABASE when the one in `databaseUrl` is missing (connecting to `postgres` to do it). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

async function withMigrations<T>(
  databaseUrl: string,
  migrations: Array<new () => MigrationInterface>,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = new DataSource({
    ...dataSourceOptions(databaseUrl, 1),
    migrations,
    migrationsTransactionMode: 'each',
  });
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

export async function migrateDatabase(
  databaseUrl: string,
  migrations: Array<new () => MigrationInterface>,
): Promise<string[]> {
  await ensureDatabaseExists(databaseUrl);
  return withMigrations(databaseUrl, migrations, async (dataSource) =>
    (await dataSource.runMigrations()).map((m) => m.name),
  );
}

/** Runs the down() of the last applied migration; the name of the one reverted, or undefined when none was applied. */
export function revertLastMigration(
  databaseUrl: string,
  migrations: Array<new () => MigrationInterface>,
): Promise<string | undefined> {
  return withMigrations(databaseUrl, migrations, async (dataSource) => {
    const [present] = await dataSource.query<Array<{ present: boolean }>>(
      "SELECT to_regclass('migrations') IS NOT NULL AS present",
    );
    if (!present.present) return undefined;
    const applied = await dataSource.query<Array<{ name: string }>>(
      'SELECT name FROM migrations ORDER BY id DESC LIMIT 1',
    );
    if (!applied.length) return undefined;
    await dataSource.undoLastMigration({ transaction: 'each' });
    return applied[0].name;
  });
}
