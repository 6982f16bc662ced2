import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { withDatabase } from './stack.js';

const run = promisify(execFile);

export interface Reference {
  pgbenchTps: number;
  clients: number;
  threads: number;
  scale: number;
  durationS: number;
}

/**
 * The machine's own price of a money movement: pgbench's tpcb-like transaction (three updates and
 * an insert) on a scratch database of the same server, dropped afterwards.
 */
export async function pgbenchReference(serverUrl: string, suffix: string, durationS: number, clients: number, threads: number, scale: number): Promise<Reference> {
  const database = `pgbench_bench_${suffix}`;
  const url = new URL(withDatabase(serverUrl, database));
  const env = {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username) || 'postgres',
    ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
  };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
    try {
      const pgbench = pgbenchBinary();
      await run(pgbench, ['-i', '-q', '-s', String(scale), database], { env });
      await checkpoint(serverUrl);
      const { stdout } = await run(pgbench, ['-c', String(clients), '-j', String(threads), '-T', String(durationS), '-b', 'tpcb-like', database], { env });
      const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
      if (!tps) throw new Error(`no tps in pgbench output:\n${stdout}`);
      return { pgbenchTps: Number(tps), clients, threads, scale, durationS };
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/**
 * Writes the dirty pages out now, so that a measurement does not pay for the writes before it.
 * Needs a superuser or pg_checkpoint; without, the numbers may include a checkpoint, and it says so.
 */
export async function checkpoint(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query('CHECKPOINT');
  } catch (error) {
    process.stderr.write(`CHECKPOINT refused (${(error as Error).message}): a checkpoint may land in a measurement\n`);
  } finally {
    await admin.end();
  }
}

function pgbenchBinary(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => `${root}/${v}/bin/pgbench`).find((path) => existsSync(path)) ?? 'pgbench';
}
