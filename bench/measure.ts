import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { Pool } from 'undici';
import { type LoadResult, percentile } from './load.js';
import type { BenchAccount } from './seed.js';

const DRAIN_TIMEOUT_MS = 120_000;
const DRAIN_POLL_MS = 100;

export interface ScenarioResult {
  clients?: number;
  targetRatePerSec?: number;
  requests: number;
  accepted: number;
  errors: number;
  errorSamples: string[];
  acceptedPerSec: number;
  /** Payments final (COMPLETED or FAILED) per second, from the first accept to the last payment final. */
  completedPerSec: number;
  completed: number;
  failed: number;
  pending: number;
  acceptP50Ms: number;
  acceptP99Ms: number;
  /** created → processedAt, from the payments table. */
  completionP50Ms: number;
  completionP99Ms: number;
  /** µs of CPU per payment by process group, from the first request until every payment was final. */
  cpuUsPerPayment?: Record<string, number>;
  /** Cores of the machine busy on average over the same span, all processes counted. */
  coresBusy?: number;
}

/** Reads what became of a scenario's payments (tagged by their description) once none is left INITIATED. */
export class Payments {
  constructor(private readonly db: pg.Client) {}

  async drained(): Promise<void> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const { rows } = await this.db.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM payments WHERE status = 'INITIATED'`,
      );
      if (rows[0].pending === 0) return;
      if (Date.now() > deadline)
        throw new Error(`${rows[0].pending} payments still INITIATED ${DRAIN_TIMEOUT_MS} ms after the load stopped`);
      await sleep(DRAIN_POLL_MS);
    }
  }

  async outcome(tag: string, load: LoadResult): Promise<ScenarioResult> {
    const { rows } = await this.db.query<{
      completed: number;
      failed: number;
      pending: number;
      span_s: number;
      p50: number;
      p99: number;
    }>(
      `SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed,
              count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
              count(*) FILTER (WHERE status = 'INITIATED')::int AS pending,
              extract(epoch FROM max(processed_at) - min(created_at))::float8 AS span_s,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - created_at) * 1000)::float8 AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - created_at) * 1000)::float8 AS p99
         FROM payments WHERE description = $1`,
      [tag],
    );
    const { completed, failed, pending, span_s, p50, p99 } = rows[0];
    return {
      requests: load.requests,
      accepted: load.accepted,
      errors: load.errors,
      errorSamples: load.errorSamples,
      acceptedPerSec: load.accepted / load.durationS,
      completedPerSec: span_s > 0 ? (completed + failed) / span_s : 0,
      completed,
      failed,
      pending,
      acceptP50Ms: percentile(load.acceptMs, 0.5),
      acceptP99Ms: percentile(load.acceptMs, 0.99),
      completionP50Ms: p50,
      completionP99Ms: p99,
    };
  }
}

/** What became of a scenario's payment groups (tagged by their description), each a unit. */
export interface GroupOutcome {
  groups: number;
  groupsCompleted: number;
  groupsFailed: number;
  groupsPending: number;
  /** Groups final per second, from the first created to the last final. */
  groupsPerSec: number;
  /** A group's created → processedAt, from the payment_groups table. */
  groupCompletionP50Ms: number;
  groupCompletionP99Ms: number;
}

export async function groupOutcome(db: pg.Client, tag: string): Promise<GroupOutcome> {
  const { rows } = await db.query<{
    groups: number;
    completed: number;
    failed: number;
    pending: number;
    span_s: number;
    p50: number;
    p99: number;
  }>(
    `SELECT count(*)::int AS groups,
            count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed,
            count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
            count(*) FILTER (WHERE status = 'INITIATED')::int AS pending,
            extract(epoch FROM max(processed_at) - min(created_at))::float8 AS span_s,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::float8 AS p99
       FROM (SELECT *, extract(epoch FROM processed_at - created_at) * 1000 AS ms
               FROM payment_groups WHERE description = $1) g`,
    [tag],
  );
  const { groups, completed, failed, pending, span_s, p50, p99 } = rows[0];
  return {
    groups,
    groupsCompleted: completed,
    groupsFailed: failed,
    groupsPending: pending,
    groupsPerSec: span_s > 0 ? (completed + failed) / span_s : 0,
    groupCompletionP50Ms: p50,
    groupCompletionP99Ms: p99,
  };
}

export interface StatementResult {
  operations: number;
  depthRows: number;
  firstPageMs: number;
  deepPageMs: number;
  /** The whole statement as CSV (`?format=csv`): rows received, how fast, and how far the api's RSS rose above where it stood. */
  csv?: { rows: number; seconds: number; rowsPerSec: number; apiRssGrowthMb: number };
}

const RSS_POLL_MS = 50;
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

/** Downloads the whole statement as CSV, counting its records as they arrive, while sampling the api's resident set. */
export async function statementExport(
  apiUrl: string,
  account: BenchAccount,
  apiPid: number,
): Promise<NonNullable<StatementResult['csv']>> {
  const pool = new Pool(apiUrl, { connections: 1 });
  const before = rssMb(apiPid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(apiPid))), RSS_POLL_MS);
  try {
    const started = performance.now();
    const response = await pool.request({
      method: 'GET',
      path: `/api/v1/accounts/${account.accountId}/operations?format=csv`,
      headers: { authorization: account.authorization },
    });
    if (response.statusCode !== 200)
      throw new Error(`the CSV statement answered ${response.statusCode}: ${await response.body.text()}`);
    // The seeded statement has no description to quote, so each CRLF ends one record; the first is the header.
    let records = 0;
    for await (const chunk of response.body) for (const byte of chunk as Buffer) if (byte === 0x0a) records++;
    const seconds = (performance.now() - started) / 1000;
    return { rows: records - 1, seconds, rowsPerSec: (records - 1) / seconds, apiRssGrowthMb: peak - before };
  } finally {
    clearInterval(sampler);
    await pool.close();
  }
}

const STATEMENT_SAMPLES = 30;
const WALK_PAGE = 200;
const MEASURED_PAGE = 50;

/** Median time of the statement's first page, and of a page `depthRows` deep (reached by its cursor). */
export async function statementPages(
  apiUrl: string,
  account: BenchAccount,
  operations: number,
  depthRows: number,
): Promise<StatementResult> {
  const pool = new Pool(apiUrl, { connections: 1 });
  const path = `/api/v1/accounts/${account.accountId}/operations`;
  const get = async (query: string) => {
    const response = await pool.request({
      method: 'GET',
      path: `${path}?${query}`,
      headers: { authorization: account.authorization },
    });
    const body = (await response.body.json()) as { data: unknown[]; nextCursor: string | null };
    if (response.statusCode !== 200)
      throw new Error(`statement answered ${response.statusCode}: ${JSON.stringify(body)}`);
    return body;
  };
  const median = async (query: string) => {
    const times: number[] = [];
    for (let i = 0; i < STATEMENT_SAMPLES; i++) {
      const started = performance.now();
      await get(query);
      times.push(performance.now() - started);
    }
    return percentile(Float64Array.from(times).sort(), 0.5);
  };
  try {
    let cursor: string | null = null;
    for (let walked = 0; walked < depthRows; walked += WALK_PAGE) {
      const page: { nextCursor: string | null } = await get(
        `limit=${WALK_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      cursor = page.nextCursor;
      if (!cursor) throw new Error(`the statement ended before ${depthRows} rows`);
    }
    const firstPageMs = await median(`limit=${MEASURED_PAGE}`);
    const deepPageMs = await median(`limit=${MEASURED_PAGE}&cursor=${encodeURIComponent(cursor!)}`);
    return { operations, depthRows, firstPageMs, deepPageMs };
  } finally {
    await pool.close();
  }
}
