import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { withDatabase } from './stack.js';

const run = promisify(execFile);

export interface Reference {
  pgbenchTps: number;
  tool: 'pgbench';
  script: 'tpcb-like';
  /** Statements prepared once per connection, as the product's hot statements are. */
  protocol: 'prepared';
  clients: number;
  threads: number;
  scale: number;
  durationS: number;
}

/**
 * The machine's own price of a money movement: pgbench's tpcb-like transaction (three updates and
 * an insert) on a scratch database of the same server, dropped afterwards. At a scale of at least
 * its client count, as pgbench's documentation asks (at scale 1 every client updates the one
 * branch row and it measures that lock's queue), with prepared statements.
 */
export async function pgbenchReference(
  serverUrl: string,
  suffix: string,
  durationS: number,
  clients: number,
  threads: number,
  scale: number,
): Promise<Reference> {
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
      const { stdout } = await run(
        pgbench,
        [
          '-c',
          String(clients),
          '-j',
          String(threads),
          '-T',
          String(durationS),
          '-M',
          'prepared',
          '-b',
          'tpcb-like',
          database,
        ],
        { env },
      );
      const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
      if (!tps) throw new Error(`no tps in pgbench output:\n${stdout}`);
      return {
        pgbenchTps: Number(tps),
        tool: 'pgbench',
        script: 'tpcb-like',
        protocol: 'prepared',
        clients,
        threads,
        scale,
        durationS,
      };
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

/**
 * Leaves the server holding as many WAL segments as `max_wal_size`, recycled ahead of use. A
 * server fresh from its start creates each 16 MB segment on first use, writing it full of zeros
 * and syncing it while a committing backend waits: on this VM the payment INSERT waited 12-20 ms
 * for one every ~3 s at 1700 transfers/s. A server in service reuses the segments its checkpoints
 * free. Switching through them and checkpointing makes a fresh server that one, and costs a server
 * that holds them already next to nothing. Needs a superuser, as CHECKPOINT does.
 *
 * A temporary replication slot (dropped with the session) keeps every segment switched through in
 * existence until the checkpoint recycles them all; without it, the checkpoint that half of
 * `max_wal_size` written starts would recycle the first ones and leave half as many.
 */
export async function fillWalSegments(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_create_physical_replication_slot('billing_bench_' || pg_backend_pid(), true, true)`);
    await admin.query(`
      DO $$
      BEGIN
        FOR segment IN 1 .. pg_size_bytes(current_setting('max_wal_size')) / pg_size_bytes(current_setting('wal_segment_size')) LOOP
          PERFORM pg_logical_emit_message(false, 'bench', ''); -- a switch needs WAL written since the last one
          PERFORM pg_switch_wal();
        END LOOP;
      END $$`);
  } catch (error) {
    process.stderr.write(
      `WAL segments not made ready (${(error as Error).message}): a fresh server creates them during the run\n`,
    );
  } finally {
    await admin.end();
  }
  await checkpoint(serverUrl);
}

function pgbenchBinary(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => `${root}/${v}/bin/pgbench`).find((path) => existsSync(path)) ?? 'pgbench';
}
