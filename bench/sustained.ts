import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type CpuReading, CpuMeter } from './cpu.js';
import { type LoadResult, percentile, type Transfer, type TransferLoad } from './load.js';

const WINDOW_S = 30;
const PROBE_EVERY_MS = 1000;
/** A payment is inserted before it commits: one committed this much after its created_at is still seen. */
const COMMIT_LAG_MS = 5000;

export interface SustainedWindow {
  phase: 'uniform' | 'hot';
  /** Seconds from the phase's start. */
  fromS: number;
  completedPerSec: number;
  /** The oldest INITIATED payment's age, the largest sampled in the window. */
  backlogMaxS: number;
  /**
   * What a payment cost in the window, to tell which process a drift comes from: CPU per process
   * group (µs), WAL written (bytes), and buffers that PostgreSQL's backends had to write out
   * themselves to find room (a working set outgrowing shared_buffers); and the checkpoints begun.
   */
  perPayment?: { cpuUs: Record<string, number>; walBytes: number; backendWrites: number };
  checkpoints?: number;
}

export interface SustainedResult {
  durationS: number;
  hotDurationS: number;
  accepted: number;
  errors: number;
  errorSamples: string[];
  acceptP99Ms: number;
  windows: SustainedWindow[];
  /** The smallest uniform window's completed/s over the first's. */
  slowestWindowRatio: number;
  backlogMaxS: number;
  completionP50Ms: number;
  completionP99Ms: number;
  /** From the last payment accepted to the last one final. */
  settleS: number;
  pending: number;
}

/**
 * Closed-loop traffic for `durationS` (uniform), then `hotDurationS` of everybody paying one
 * merchant, with no pause between: how posting holds up while the tables grow. Every second it
 * samples the backlog, the age of the oldest payment still INITIATED, by walking payments_by_created
 * from the last oldest one found, so that the probe costs the server next to nothing however large
 * the table is.
 */
export async function sustained(
  db: pg.Client,
  load: TransferLoad,
  options: {
    databaseUrl: string;
    cpu: CpuMeter;
    tag: string;
    clients: number;
    durationS: number;
    hotDurationS: number;
    uniform: () => Transfer;
    hot: () => Transfer;
  },
): Promise<SustainedResult> {
  const probe = new BacklogProbe(db);
  const marks = new MachineMarks(options.databaseUrl, options.cpu);
  const phases: Array<{ phase: SustainedWindow['phase']; tag: string; startedAt: string; load: LoadResult }> = [];
  await marks.open();
  const sampling = probe.run();
  try {
    for (const [phase, seconds, next] of [
      ['uniform', options.durationS, options.uniform],
      ['hot', options.hotDurationS, options.hot],
    ] as const) {
      const tag = `${options.tag}-${phase}`;
      const startedAt = await probe.now();
      probe.phase(phase, performance.now());
      marks.startPhase(phase);
      phases.push({ phase, tag, startedAt, load: await load.closedLoop(tag, options.clients, seconds, next) });
      if (phase === 'uniform') await marks.endPhase(phase);
    }
    await drained(
      db,
      phases.map((p) => p.tag),
    );
    await marks.endPhase('hot');
  } finally {
    probe.stop();
    await Promise.all([sampling, marks.close()]);
  }
  const windows: SustainedWindow[] = [];
  for (const { phase, tag, startedAt, load: result } of phases) {
    // Those final after the phase's last window (its drain) count in that window.
    const count = Math.max(1, Math.round(result.durationS / WINDOW_S));
    const { rows } = await db.query<{ w: number; completed: number }>(
      `SELECT least(floor(extract(epoch FROM processed_at - $2::timestamptz) / $3)::int, $4 - 1) AS w, count(*)::int AS completed
         FROM payments WHERE description = $1 AND processed_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
      [tag, startedAt, WINDOW_S, count],
    );
    for (let w = 0; w < count; w++) {
      const span = w === count - 1 ? result.durationS - w * WINDOW_S : WINDOW_S;
      const completed = rows.find((r) => r.w === w)?.completed ?? 0;
      windows.push({
        phase,
        fromS: w * WINDOW_S,
        completedPerSec: completed / span,
        backlogMaxS: probe.maxAge(phase, w * WINDOW_S, (w + 1) * WINDOW_S),
        ...marks.window(phase, w, count, completed),
      });
    }
  }
  const { rows } = await db.query<{ p50: number; p99: number; settle_s: number; pending: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - created_at) * 1000)::float8 AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - created_at) * 1000)::float8 AS p99,
            extract(epoch FROM max(processed_at) - max(created_at))::float8 AS settle_s,
            count(*) FILTER (WHERE status = 'INITIATED')::int AS pending
       FROM payments WHERE description = ANY($1)`,
    [phases.map((p) => p.tag)],
  );
  const accept = Float64Array.from(phases.flatMap((p) => [...p.load.acceptMs])).sort();
  const uniform = windows.filter((w) => w.phase === 'uniform');
  return {
    durationS: options.durationS,
    hotDurationS: options.hotDurationS,
    accepted: accept.length,
    errors: phases.reduce((sum, p) => sum + p.load.errors, 0),
    errorSamples: phases.flatMap((p) => p.load.errorSamples),
    acceptP99Ms: percentile(accept, 0.99),
    windows,
    slowestWindowRatio: Math.min(...uniform.map((w) => w.completedPerSec)) / uniform[0].completedPerSec,
    backlogMaxS: Math.max(0, ...windows.map((w) => w.backlogMaxS)),
    completionP50Ms: rows[0].p50,
    completionP99Ms: rows[0].p99,
    settleS: rows[0].settle_s,
    pending: rows[0].pending,
  };
}

async function drained(db: pg.Client, tags: string[]): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM payments WHERE description = ANY($1) AND status = 'INITIATED') AS pending`,
      [tags],
    );
    if (!rows[0].pending) return;
    await sleep(100);
  }
}

/** Samples the oldest INITIATED payment's age, once a second, while the load runs. */
class BacklogProbe {
  private readonly samples: Array<{ phase: SustainedWindow['phase']; atS: number; ageS: number }> = [];
  private current: { phase: SustainedWindow['phase']; startedMs: number } | undefined;
  private stopped = false;
  /** Every payment created before this is final (or committed too late to count). */
  private since = '-infinity';

  constructor(private readonly db: pg.Client) {}

  async now(): Promise<string> {
    const { rows } = await this.db.query<{ now: string }>(`SELECT clock_timestamp()::text AS now`);
    return rows[0].now;
  }

  phase(phase: SustainedWindow['phase'], startedMs: number): void {
    this.current = { phase, startedMs };
  }

  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      await this.sample();
      await sleep(PROBE_EVERY_MS);
    }
  }

  maxAge(phase: SustainedWindow['phase'], fromS: number, toS: number): number {
    return Math.max(
      0,
      ...this.samples.filter((s) => s.phase === phase && s.atS >= fromS && s.atS < toS).map((s) => s.ageS),
    );
  }

  private async sample(): Promise<void> {
    const { rows } = await this.db.query<{ oldest: string | null; age_s: number | null; floor: string }>(
      `SELECT o.created_at::text AS oldest, extract(epoch FROM clock_timestamp() - o.created_at)::float8 AS age_s,
              (clock_timestamp() - $2 * interval '1 millisecond')::text AS floor
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT created_at FROM payments WHERE created_at >= $1::timestamptz AND status = 'INITIATED'
                             ORDER BY created_at LIMIT 1) o ON true`,
      [this.since, COMMIT_LAG_MS],
    );
    const { oldest, age_s, floor } = rows[0];
    this.since = oldest ?? floor;
    if (this.current) {
      this.samples.push({
        phase: this.current.phase,
        atS: (performance.now() - this.current.startedMs) / 1000,
        ageS: age_s ?? 0,
      });
    }
  }
}

/** What the machine had done by a moment: CPU per process, and PostgreSQL's WAL, backend writes and checkpoints. */
interface Mark {
  cpu: CpuReading;
  walBytes: number;
  backendWrites: number;
  checkpoints: number;
}

/**
 * Marks taken at the start of each 30 s window of a phase (on a timer from the phase's start) and
 * at its end, on a connection of their own: what each window cost, per payment. The windows'
 * payments are counted by `processedAt`, the marks by the clock: they agree to within a batch.
 */
class MachineMarks {
  private readonly db: pg.Client;
  private readonly taking: Array<Promise<void>> = [];
  private readonly marks = new Map<string, Mark>();
  private ticker?: NodeJS.Timeout;

  constructor(
    databaseUrl: string,
    private readonly cpu: CpuMeter,
  ) {
    this.db = new pg.Client({ connectionString: databaseUrl });
  }

  async open(): Promise<void> {
    await this.db.connect();
  }

  close(): Promise<void> {
    clearInterval(this.ticker);
    return this.db.end();
  }

  startPhase(phase: SustainedWindow['phase']): void {
    let w = 0;
    this.take(phase, w);
    this.ticker = setInterval(() => this.take(phase, ++w), WINDOW_S * 1000);
  }

  /** The mark that ends the phase's last window (its drain included). */
  async endPhase(phase: SustainedWindow['phase']): Promise<void> {
    clearInterval(this.ticker);
    this.take(phase, 'end');
    await Promise.all(this.taking);
  }

  /** The window's cost per payment, unless a mark of it could not be read. */
  window(
    phase: SustainedWindow['phase'],
    w: number,
    count: number,
    payments: number,
  ): Pick<SustainedWindow, 'perPayment' | 'checkpoints'> {
    const from = this.marks.get(`${phase}:${w}`);
    const to = this.marks.get(`${phase}:${w === count - 1 ? 'end' : w + 1}`);
    if (!from || !to || !payments) return {};
    return {
      perPayment: {
        cpuUs: CpuMeter.perPayment(from.cpu, to.cpu, payments),
        walBytes: Math.round((to.walBytes - from.walBytes) / payments),
        backendWrites: (to.backendWrites - from.backendWrites) / payments,
      },
      checkpoints: to.checkpoints - from.checkpoints,
    };
  }

  private take(phase: SustainedWindow['phase'], w: number | 'end'): void {
    this.taking.push(
      this.read().then(
        (mark) => void this.marks.set(`${phase}:${w}`, mark),
        () => undefined, // a mark not read leaves its window without figures
      ),
    );
  }

  private async read(): Promise<Mark> {
    const cpu = this.cpu.read();
    const { rows } = await this.db.query<{ wal: string; backend: string; checkpoints: string }>(
      `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::int8::text AS wal, buffers_backend::text AS backend,
              (checkpoints_timed + checkpoints_req)::text AS checkpoints FROM pg_stat_bgwriter`,
    );
    return {
      cpu,
      walBytes: Number(rows[0].wal),
      backendWrites: Number(rows[0].backend),
      checkpoints: Number(rows[0].checkpoints),
    };
  }
}
