import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import pg from 'pg';
import { testDatabaseUrl } from './support/harness.js';
import { runScript } from './support/processes.js';

/** A database of its own: reverting a migration must not touch the one the other tests share. */
function scratchDatabaseUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `${url.pathname}_revert`;
  return url.toString();
}

async function query<T>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('npm run migration:revert', () => {
  const databaseUrl = scratchDatabaseUrl();
  const appliedNames = async () =>
    (await query<{ name: string }>(databaseUrl, 'SELECT name FROM migrations ORDER BY id')).map((row) => row.name);

  afterAll(async () => {
    const admin = new URL(databaseUrl);
    const name = decodeURIComponent(admin.pathname.slice(1));
    admin.pathname = '/postgres';
    await query(admin.toString(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('runs the down() of the last migration applied, and migration:run applies it again', async () => {
    expect((await runScript('migration:run', { DATABASE_URL: databaseUrl })).code).toBe(0);
    const applied = await appliedNames();
    expect(applied.length).toBeGreaterThan(1);

    const reverted = await runScript('migration:revert', { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' });
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toContain(`reverted migration: ${applied.at(-1)}`);
    expect(await appliedNames()).toEqual(applied.slice(0, -1));

    expect((await runScript('migration:run', { DATABASE_URL: databaseUrl })).code).toBe(0);
    expect(await appliedNames()).toEqual(applied);
  });
});

describe('npm run build:if-stale (what npm run demo runs first)', () => {
  it('compiles nothing when dist is newer than every source', () => {
    execFileSync('npm', ['run', '--silent', 'build:if-stale']); // the first may compile, or find dist current
    const before = statSync('dist/tsconfig.build.tsbuildinfo').mtimeMs;
    execFileSync('npm', ['run', '--silent', 'build:if-stale']);
    expect(statSync('dist/tsconfig.build.tsbuildinfo').mtimeMs).toBe(before);
  });
});
