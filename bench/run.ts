import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CpuMeter } from './cpu.js';
import {
  type GroupLoadResult,
  type LoadResult,
  percentile,
  TransferLoad,
  type Transfer,
  type TransferGroup,
} from './load.js';
import {
  type GroupOutcome,
  groupOutcome,
  Payments,
  type ScenarioResult,
  statementExport,
  statementPages,
} from './measure.js';
import { checkpoint, fillWalSegments, pgbenchReference } from './reference.js';
import { type BenchAccount, seed, seedStatement } from './seed.js';
import { Stack } from './stack.js';
import { sustained, type SustainedResult, type SustainedWindow } from './sustained.js';
import { registerAdminEndpoint, WebhookReceiver, type WebhookMeasure } from './webhooks.js';

/**
 * Long enough for V8 to have optimised the hot paths: after only 5 s of warm-up, the next 10 s ran
 * ~10 % slower than the 30 s after them (api CPU per payment 856 µs against 786-798 µs).
 */
const WARM_UP_S = 15;

const PGBENCH_CLIENTS = 8;

/** The groups scenario: this many clients, each waiting for its group to be final before it sends the next. */
const GROUP_CLIENTS = 16;
const GROUP_ITEMS = 100;
/** Then, alone on the idle system, the largest group there may be, this many times (the median counts). */
const LARGE_GROUP_ITEMS = 1000;
const LARGE_GROUP_RUNS = 5;

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    rate: { type: 'string' },
    sustained: { type: 'string' },
    webhooks: { type: 'boolean' },
    groups: { type: 'boolean' },
  },
});
const settings = {
  /** `--rounds=N`: the uniform scenario alone, N times, to compare CPU per payment between two versions of the code. */
  rounds: args.rounds === undefined ? undefined : positiveInteger('--rounds', args.rounds),
  /** `--rate=N` with `--rounds`: N transfers a second, sent on schedule (open loop), instead of 64 clients as fast as they can. */
  ratePerSec: args.rate === undefined ? undefined : positiveInteger('--rate', args.rate),
  /**
   * `--webhooks`: the webhooks scenarios alone, beside the same traffic without webhooks (at `--rate`, or half
   * the uniform rate measured first): what webhooks cost, and a fast endpoint's lag beside a hanging one.
   */
  webhooksOnly: args.webhooks ?? false,
  /** `--groups`: the reference and the groups scenario alone, to compare two versions of the code. */
  groupsOnly: args.groups ?? false,
  clients: Number(args.clients ?? process.env.BENCH_CLIENTS ?? 64),
  durationS: Number(args.duration ?? process.env.BENCH_DURATION_S ?? 20),
  /** `--sustained=S`: the sustained scenario's uniform phase, then a fifth of it (at least 10 s) hot. */
  sustainedS: Number(args.sustained ?? process.env.BENCH_SUSTAINED_S ?? 300),
  users: Number(process.env.BENCH_USERS ?? 1000),
  statementOperations: Number(process.env.BENCH_STATEMENT_OPERATIONS ?? 1_000_000),
  statementDepthRows: 10_000,
  pgbenchClients: PGBENCH_CLIENTS,
  pgbenchThreads: 2,
  /** pgbench's documentation asks for a scale of at least its client count: below, its clients queue on the branch rows. */
  pgbenchScale: Math.max(PGBENCH_CLIENTS, Number(process.env.PGBENCH_SCALE ?? 10)),
  serverUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  /** e.g. `--cpu-prof --cpu-prof-dir=bench/results` to profile the api and the worker. */
  nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
};
if (settings.ratePerSec && !settings.rounds && !settings.webhooksOnly)
  usageError('--rate only goes with --rounds or --webhooks');
if ([settings.rounds, settings.webhooksOnly, settings.groupsOnly].filter(Boolean).length > 1)
  usageError('--rounds, --webhooks and --groups are different runs');
function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
function positiveInteger(name: string, value: string): number {
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1) return n;
  usageError(`${name} must be a positive integer, not ${value}`);
}
const FUNDS_MINOR = 1_000_000_000n; // 10,000,000.00 USD each: a uniform run never runs dry
const RESULTS = 'bench/results/latest.json';

const progress = (message: string) =>
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${message}\n`);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

async function main(): Promise<number> {
  const stack = new Stack(settings.serverUrl, settings.redisUrl);
  const stop = () => void stack.destroy().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await fillWalSegments(settings.serverUrl);
    // First, on a quiet server: after the statement's million rows its checkpoint would slow pgbench down.
    // `--rounds` compares the code with itself and needs none.
    const reference = settings.rounds || settings.webhooksOnly ? undefined : await measureReference(stack.suffix);

    progress(`database ${stack.databaseName}, queue prefix ${stack.queuePrefix}, logs in ${stack.logDir}`);
    // The webhooks scenario's receiver listens on 127.0.0.1, which endpoints may only name when allowed.
    // Seeding logs every user in from this one address.
    const seedingLogins = String(2 * settings.users + 10);
    await stack.start({ WEBHOOK_ALLOW_INSECURE: 'true', LOGIN_LIMIT_PER_IP: seedingLogins }, settings.nodeArgs);
    progress(`seeding ${settings.users} users through the api`);
    const admin = { email: stack.adminEmail, password: stack.adminPassword };
    const seeded = await seed(stack.apiUrl, stack.databaseUrl, admin, settings.users, FUNDS_MINOR);
    await checkpoint(settings.serverUrl); // as pgbench starts after its own initialisation
    progress(`seeded ${settings.users} funded users`);
    stack.resetPeakRss();

    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const payments = new Payments(db);
    const cpu = new CpuMeter(stack.pids());
    const load = new TransferLoad(stack.apiUrl, settings.clients);
    /** Runs one scenario's traffic, its transfers described by `bench:<name>`, and measures its outcome. */
    const scenario = async (name: string, drive: (tag: string) => Promise<LoadResult>) => {
      progress(`${name}: running`);
      const tag = `bench:${name}`;
      const before = cpu.read();
      const started = performance.now();
      const result = await drive(tag);
      await payments.drained();
      const after = cpu.read();
      const seconds = (performance.now() - started) / 1000;
      const outcome = await payments.outcome(tag, result);
      return {
        ...outcome,
        cpuUsPerPayment: CpuMeter.perPayment(before, after, outcome.completed + outcome.failed),
        coresBusy: CpuMeter.coresBusy(before, after, seconds),
      };
    };
    const anyOtherUser = (payer: BenchAccount): BenchAccount => {
      for (;;) {
        const payee = pick(seeded.users);
        if (payee !== payer) return payee;
      }
    };
    const anyOther = (payer: BenchAccount): string => anyOtherUser(payer).accountId;
    const uniformTransfer = (): Transfer => {
      const payer = pick(seeded.users);
      return { payer, payeeAccountId: anyOther(payer) };
    };

    /**
     * From here on every payment's events are recorded and delivered: to one endpoint for every
     * event, then to it beside a second one that never answers.
     */
    const webhookScenarios = async (rate: number) => {
      const admin = { email: stack.adminEmail, password: stack.adminPassword };
      const fast = new WebhookReceiver();
      const fastId = await registerAdminEndpoint(stack.apiUrl, admin, await fast.listen());
      const drive = (tag: string) =>
        load
          .openLoop(tag, rate, settings.durationS, uniformTransfer)
          .then(async (r) => (await fast.drained(db, fastId), r));
      const alone = {
        ...(await scenario('webhooks', drive)),
        targetRatePerSec: rate,
        ...(await fast.measure(db, fastId)),
      };
      const hanging = new WebhookReceiver(true);
      await registerAdminEndpoint(stack.apiUrl, admin, await hanging.listen());
      const besideHanging = {
        ...(await scenario('webhooks-beside-hanging', drive)),
        targetRatePerSec: rate,
        ...(await fast.measure(db, fastId)),
      };
      await Promise.all([fast.close(), hanging.close()]);
      return { alone, besideHanging };
    };

    /**
     * Payment groups of GROUP_ITEMS transfers between random seeded users. A user may only send from
     * its own account, so each group has one payer, its sender, and random payees: a marketplace's
     * payout. Each client sends a group, polls it until final, and sends the next; then, alone,
     * one atomic group of LARGE_GROUP_ITEMS from POST to final. Preceded by its own warm-up: the
     * group paths are not the single transfer's.
     */
    const groupsScenario = async (pgbenchTps: number): Promise<GroupsResult> => {
      const nextGroup = (items: number) => (): TransferGroup => {
        const sender = pick(seeded.users);
        return { sender, payeeAccountIds: Array.from({ length: items }, () => anyOther(sender)) };
      };
      let waits: Pick<GroupLoadResult, 'finalMs' | 'polls'> = { finalMs: new Float64Array(), polls: 0 };
      const drive = (durationS: number) => (tag: string) =>
        load.groupLoop(tag, GROUP_CLIENTS, durationS, nextGroup(GROUP_ITEMS)).then((r) => ((waits = r), r));
      await scenario('groups-warm-up', drive(WARM_UP_S));
      const { result, peakRssMb } = await stack.peakRssDuring(() => scenario('groups', drive(settings.durationS)));
      const outcome = await groupOutcome(db, 'bench:groups');
      progress(`groups: one atomic group of ${LARGE_GROUP_ITEMS} items, ${LARGE_GROUP_RUNS} times`);
      const runsMs: number[] = [];
      for (let run = 0; run < LARGE_GROUP_RUNS; run++)
        runsMs.push(await load.oneGroup('bench:large-group', nextGroup(LARGE_GROUP_ITEMS)()));
      return {
        ...result,
        ...outcome,
        clients: GROUP_CLIENTS,
        itemsPerGroup: GROUP_ITEMS,
        clientWaitP50Ms: percentile(waits.finalMs, 0.5),
        clientWaitP99Ms: percentile(waits.finalMs, 0.99),
        pollsPerGroup: waits.polls / waits.finalMs.length,
        ratio: result.completedPerSec / pgbenchTps,
        rssMb: { api: peakRssMb.api, worker: peakRssMb.worker },
        largeAtomicGroup: {
          items: LARGE_GROUP_ITEMS,
          runsMs,
          medianMs: percentile(Float64Array.from(runsMs).sort(), 0.5),
        },
      };
    };
    if (settings.groupsOnly) {
      const groups = await groupsScenario(reference!.pgbenchTps);
      await Promise.all([db.end(), load.close()]);
      console.log(groupsLines(groups, reference!));
      return verdict([groups], await trialBalance(stack));
    }

    // Unmeasured: lets V8 optimise the hot paths and the pools open their connections first.
    await scenario('warm-up', (tag) => load.closedLoop(tag, settings.clients, WARM_UP_S, uniformTransfer));
    if (settings.webhooksOnly) {
      const rate =
        settings.ratePerSec ??
        Math.max(
          1,
          Math.round(
            (
              await scenario('uniform', (tag) =>
                load.closedLoop(tag, settings.clients, settings.durationS, uniformTransfer),
              )
            ).completedPerSec / 2,
          ),
        );
      const plain = await scenario('half-rate', (tag) => load.openLoop(tag, rate, settings.durationS, uniformTransfer));
      const { alone, besideHanging } = await webhookScenarios(rate);
      await Promise.all([db.end(), load.close()]);
      printWebhooks(rate, plain, alone, besideHanging);
      return verdict([plain, alone, besideHanging], await trialBalance(stack));
    }
    if (!reference) {
      // `--rounds`: the uniform scenario (or `--rate`'s open loop) alone, one line a round.
      const { rounds, ratePerSec, clients, durationS } = settings;
      const drive = (tag: string) =>
        ratePerSec
          ? load.openLoop(tag, ratePerSec, durationS, uniformTransfer)
          : load.closedLoop(tag, clients, durationS, uniformTransfer);
      const results: ScenarioResult[] = [];
      for (let round = 1; round <= rounds!; round++) {
        results.push(await scenario(`uniform-${round}`, drive));
        printRound(round, results.at(-1)!, stack.peakRssMb());
      }
      await Promise.all([db.end(), load.close()]);
      return verdict(results, await trialBalance(stack));
    }
    const uniform = await scenario('uniform', (tag) =>
      load.closedLoop(tag, settings.clients, settings.durationS, uniformTransfer),
    );
    const halfRate = Math.max(1, Math.round(uniform.completedPerSec / 2));
    const atHalfRate = await scenario('half-rate', (tag) =>
      load.openLoop(tag, halfRate, settings.durationS, uniformTransfer),
    );
    const hot = await scenario('hot', (tag) =>
      load.closedLoop(tag, settings.clients, settings.durationS, () => ({
        payer: pick(seeded.users),
        payeeAccountId: seeded.merchant.accountId,
      })),
    );
    const hotPayer = await scenario('hot-payer', (tag) =>
      load.closedLoop(tag, settings.clients, settings.durationS, () => ({
        payer: seeded.payer,
        payeeAccountId: anyOther(seeded.payer),
      })),
    );
    let captures: LoadResult | undefined;
    const holds = await scenario('holds', async (tag) => {
      const { authorize, capture } = await load.holdThenCapture(tag, settings.clients, settings.durationS, () => {
        const payer = pick(seeded.users);
        return { payer, payee: anyOtherUser(payer) };
      });
      captures = capture;
      return authorize;
    });
    progress(`sustained: ${settings.sustainedS} s uniform, then ${hotPhaseS()} s hot`);
    const cpuBefore = cpu.read();
    const longRun = await sustained(db, load, {
      databaseUrl: stack.databaseUrl,
      cpu,
      tag: 'bench:sustained',
      clients: settings.clients,
      durationS: settings.sustainedS,
      hotDurationS: hotPhaseS(),
      uniform: uniformTransfer,
      hot: () => ({ payer: pick(seeded.users), payeeAccountId: seeded.merchant.accountId }),
    });
    const longRunCpu = CpuMeter.perPayment(cpuBefore, cpu.read(), longRun.accepted);
    // Before the webhooks scenarios, whose endpoints stay registered after them.
    const groups = await groupsScenario(reference.pgbenchTps);
    // Last: from here on every payment's events are recorded and delivered.
    const { alone: webhooks, besideHanging: webhooksBesideHanging } = await webhookScenarios(halfRate);
    await Promise.all([db.end(), load.close()]);

    progress('statement: first page vs a page 10,000 rows deep');
    // Written after the payment scenarios, so that its million rows (and the checkpoint and
    // autovacuum they bring) do not land in the middle of the measured traffic.
    progress(`writing a statement of ${settings.statementOperations} operations`);
    await seedStatement(stack.databaseUrl, seeded.statement.accountId, settings.statementOperations);
    const statement = await statementPages(
      stack.apiUrl,
      seeded.statement,
      settings.statementOperations,
      settings.statementDepthRows,
    );
    progress(`statement: all ${settings.statementOperations} operations as CSV`);
    statement.csv = await statementExport(stack.apiUrl, seeded.statement, stack.pids().api);
    // The account's funding deposit is one operation more than the seeded statement.
    if (statement.csv.rows < settings.statementOperations)
      throw new Error(`the CSV statement had ${statement.csv.rows} rows, fewer than ${settings.statementOperations}`);
    const rssMb = stack.peakRssMb();
    const ledger = await trialBalance(stack);
    await stack.stop();

    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      settings: { clients: settings.clients, durationS: settings.durationS, users: settings.users, env: appSettings() },
      ratio: uniform.completedPerSec / reference.pgbenchTps,
      uniform,
      halfRate: { ...atHalfRate, targetRatePerSec: halfRate },
      hot: { ...hot, onePaysMany: hotPayer },
      sustained: { ...longRun, cpuUsPerPayment: longRunCpu },
      holds: {
        ...holds,
        captures: captures!.accepted,
        capturesPerSec: captures!.accepted / captures!.durationS,
        captureErrors: captures!.errors,
        captureErrorSamples: captures!.errorSamples,
        captureP50Ms: percentile(captures!.acceptMs, 0.5),
        captureP99Ms: percentile(captures!.acceptMs, 0.99),
      },
      groups,
      webhooks: { ...webhooks, besideHanging: webhooksBesideHanging },
      statement,
      reference,
      rssMb: { api: rssMb.api, worker: rssMb.worker },
      ledger,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);

    return verdict(
      [uniform, atHalfRate, hot, hotPayer, holds, groups, webhooks, webhooksBesideHanging, longRun],
      ledger,
    );
  } finally {
    await stack.destroy();
  }
}

interface GroupsResult extends ScenarioResult, GroupOutcome {
  itemsPerGroup: number;
  /** 202 → the group seen final by the client's polling. */
  clientWaitP50Ms: number;
  clientWaitP99Ms: number;
  pollsPerGroup: number;
  /** completed/s (payments) ÷ pgbench tps. */
  ratio: number;
  /** Peak resident set during the scenario alone, MiB. */
  rssMb: { api: number; worker: number };
  /** POST → seen final, alone on the idle system. */
  largeAtomicGroup: { items: number; runsMs: number[]; medianMs: number };
}

/** The run's exit code: 1 when a payment never became final or the ledger does not balance. */
function verdict(scenarios: Array<{ pending: number }>, ledger: { balanced: boolean }): number {
  const unfinished = scenarios.reduce((sum, s) => sum + s.pending, 0);
  if (unfinished) process.stderr.write(`FAIL: ${unfinished} payments never became final\n`);
  if (!ledger.balanced) process.stderr.write(`FAIL: the trial balance is off: ${JSON.stringify(ledger)}\n`);
  return unfinished || !ledger.balanced ? 1 : 0;
}

/** The sustained scenario's hot phase: a fifth of its uniform phase, 60 s by default. */
function hotPhaseS(): number {
  return Math.max(10, Math.round(settings.sustainedS / 5));
}

function measureReference(suffix: string): ReturnType<typeof pgbenchReference> {
  progress(
    `reference: pgbench tpcb-like -M prepared, ${settings.pgbenchClients} clients, scale ${settings.pgbenchScale}, ${settings.durationS} s`,
  );
  return pgbenchReference(
    settings.serverUrl,
    suffix,
    settings.durationS,
    settings.pgbenchClients,
    settings.pgbenchThreads,
    settings.pgbenchScale,
  );
}

async function trialBalance(stack: Stack): Promise<{ balanced: boolean }> {
  const post = await fetch(`${stack.apiUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: stack.adminEmail, password: stack.adminPassword }),
  });
  const { accessToken } = (await post.json()) as { accessToken: string };
  const check = await fetch(`${stack.apiUrl}/api/v1/admin/ledger/check`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (check.status !== 200) throw new Error(`ledger check answered ${check.status}: ${await check.text()}`);
  return (await check.json()) as { balanced: boolean };
}

/** The settings of the processes under test that the environment overrides, recorded with the numbers. */
function appSettings(): Record<string, string> {
  const names = ['LOG_LEVEL', 'DB_POOL_SIZE', 'WORKER_CONCURRENCY', 'BENCH_NODE_ARGS', 'PGBENCH_SCALE'];
  const settings = Object.fromEntries(
    names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]),
  );
  return settings;
}

/** One line per round of `--rounds`: what to compare between two versions of the code. */
function printRound(round: number, s: ScenarioResult, peakRssMb: Record<string, number>): void {
  console.log(
    `round ${round}: ${s.completedPerSec.toFixed(0)} completed/s, accept p50/p99 ${s.acceptP50Ms.toFixed(1)}/${s.acceptP99Ms.toFixed(1)} ms, completion p99 ${s.completionP99Ms.toFixed(0)} ms, ${s.pending} pending, ` +
      `cores busy ${s.coresBusy}, CPU per payment ${formatCpu(s)}; peak RSS so far api ${peakRssMb.api} MB, worker ${peakRssMb.worker} MB`,
  );
}

/** A sustained window's cost per payment, as its marks measured it. */
function windowCost({ perPayment, checkpoints }: SustainedWindow): string {
  if (!perPayment) return 'not measured';
  const { cpuUs, walBytes, backendWrites } = perPayment;
  return (
    `${formatCpu({ cpuUsPerPayment: cpuUs })}; WAL ${walBytes} B, ` +
    `${backendWrites.toFixed(3)} buffers written by backends; ${checkpoints} checkpoint(s) begun`
  );
}

/** Each process group's µs of CPU per payment, dearest first. */
function formatCpu(s: { cpuUsPerPayment?: Record<string, number> }): string {
  const cpu = s.cpuUsPerPayment ?? {};
  const groups = Object.keys(cpu).sort((a, b) => cpu[b] - cpu[a]);
  return groups.map((g) => `${g} ${cpu[g]} µs`).join(', ');
}

function printTable(r: {
  ratio: number;
  uniform: ScenarioResult;
  halfRate: ScenarioResult;
  hot: ScenarioResult & { onePaysMany: ScenarioResult };
  holds: ScenarioResult & {
    captures: number;
    capturesPerSec: number;
    captureErrors: number;
    captureErrorSamples: string[];
    captureP50Ms: number;
    captureP99Ms: number;
  };
  groups: GroupsResult;
  webhooks: ScenarioResult & WebhookMeasure & { besideHanging: ScenarioResult & WebhookMeasure };
  sustained: SustainedResult & { cpuUsPerPayment: Record<string, number> };
  statement: {
    firstPageMs: number;
    deepPageMs: number;
    csv?: { rows: number; rowsPerSec: number; seconds: number; apiRssGrowthMb: number };
  };
  reference: { pgbenchTps: number; clients: number; scale: number };
  rssMb: { api: number; worker: number };
}): void {
  const n = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
  const rows: Array<[string, ScenarioResult]> = [
    ['uniform', r.uniform],
    ['half rate', r.halfRate],
    ['hot: all pay one', r.hot],
    ['hot: one pays all', r.hot.onePaysMany],
    ['holds: authorize, capture', r.holds],
    [`groups of ${r.groups.itemsPerGroup} (accepted: groups)`, r.groups],
    ['webhooks (half rate)', r.webhooks],
    ['webhooks beside a hanging endpoint', r.webhooks.besideHanging],
  ];
  const header = [
    'scenario',
    'accepted/s',
    'completed/s',
    'accept p50',
    'accept p99',
    'complete p50',
    'complete p99',
    'failed',
    'errors',
  ];
  const lines = [
    header,
    ...rows.map(([name, s]) => [
      name,
      n(s.acceptedPerSec),
      n(s.completedPerSec),
      `${n(s.acceptP50Ms)} ms`,
      `${n(s.acceptP99Ms)} ms`,
      `${n(s.completionP50Ms)} ms`,
      `${n(s.completionP99Ms)} ms`,
      String(s.failed),
      String(s.errors),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const format = (line: string[]) =>
    `| ${line.map((cell, i) => (i ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ')} |`;
  console.log(
    [format(lines[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.slice(1).map(format)].join('\n'),
  );
  console.log(
    `\nstatement: first page ${n(r.statement.firstPageMs, 2)} ms, 10,000 rows deep ${n(r.statement.deepPageMs, 2)} ms` +
      (r.statement.csv
        ? `\nstatement as CSV: ${r.statement.csv.rows} rows in ${n(r.statement.csv.seconds, 2)} s ` +
          `(${n(r.statement.csv.rowsPerSec, 0)} rows/s), api RSS +${n(r.statement.csv.apiRssGrowthMb)} MB`
        : '') +
      `\npgbench tpcb-like -M prepared, ${r.reference.clients} clients, scale ${r.reference.scale}: ${n(r.reference.pgbenchTps)} tps; ` +
      `ratio uniform completed/s ÷ pgbench tps = ${n(r.ratio, 2)}` +
      `\npeak RSS: api ${r.rssMb.api} MB, worker ${r.rssMb.worker} MB`,
  );
  console.log(
    `holds: ${r.holds.captures} captured (${n(r.holds.capturesPerSec)}/s), capture p50 ${n(r.holds.captureP50Ms)} ms, p99 ${n(r.holds.captureP99Ms)} ms, ${r.holds.captureErrors} errors` +
      (r.holds.captureErrorSamples.length ? ` (e.g. ${r.holds.captureErrorSamples.join(' | ')})` : ''),
  );
  console.log(groupsLines(r.groups, r.reference));
  console.log(webhookLine('webhooks', r.webhooks));
  console.log(webhookLine('webhooks, the fast endpoint beside a hanging one', r.webhooks.besideHanging));
  console.log(`CPU per payment, uniform: ${formatCpu(r.uniform)}`);
  const sustainedRun = r.sustained;
  console.log(
    `sustained (${sustainedRun.durationS} s uniform, ${sustainedRun.hotDurationS} s hot): ` +
      sustainedRun.windows
        .map((w) => `${w.phase} ${w.fromS}s ${n(w.completedPerSec, 0)}/s backlog ${n(w.backlogMaxS, 2)} s`)
        .join('; ') +
      sustainedRun.windows.map((w) => `\n    ${w.phase} ${w.fromS}s per payment: ${windowCost(w)}`).join('') +
      `\n  slowest uniform window ${n(sustainedRun.slowestWindowRatio, 2)}× the first, backlog max ${n(sustainedRun.backlogMaxS, 2)} s, ` +
      `completion p50 ${n(sustainedRun.completionP50Ms)} ms, p99 ${n(sustainedRun.completionP99Ms)} ms, all final ${n(sustainedRun.settleS, 2)} s ` +
      `after the last accepted, ${sustainedRun.errors} errors; CPU per payment ${formatCpu(sustainedRun)}`,
  );
  console.log(
    `cores busy (of ${cpus().length}): ${rows.map(([name, s]) => `${name} ${n(s.coresBusy ?? NaN, 2)}`).join(', ')}`,
  );
  for (const [name, s] of rows)
    if (s.errorSamples.length) console.log(`${name} errors, e.g.: ${s.errorSamples.join(' | ')}`);
}

function groupsLines(g: GroupsResult, reference: { pgbenchTps: number }): string {
  const n = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
  return (
    `groups of ${g.itemsPerGroup} transfers, ${g.clients} clients: ${n(g.completedPerSec, 0)} payments final/s ` +
    `(${g.completed} completed, ${g.failed} failed; ${n(g.ratio, 2)}× pgbench's ${n(reference.pgbenchTps, 0)} tps), ` +
    `${n(g.groupsPerSec)} groups/s ` +
    `(${g.groupsCompleted} completed, ${g.groupsFailed} failed, ${g.groupsPending} pending)` +
    `\n  group completion (created → processedAt) p50 ${n(g.groupCompletionP50Ms)} ms, ` +
    `p99 ${n(g.groupCompletionP99Ms)} ms; ` +
    `client's wait 202 → seen final p50 ${n(g.clientWaitP50Ms)} ms, p99 ${n(g.clientWaitP99Ms)} ms ` +
    `(${n(g.pollsPerGroup)} polls a group); ` +
    `POST p50/p99 ${n(g.acceptP50Ms)}/${n(g.acceptP99Ms)} ms, ${g.errors} errors` +
    (g.errorSamples.length ? ` (e.g. ${g.errorSamples.join(' | ')})` : '') +
    `\n  peak RSS during it: api ${g.rssMb.api} MB, worker ${g.rssMb.worker} MB; ` +
    `cores busy ${n(g.coresBusy ?? NaN, 2)}; ` +
    `CPU per payment ${formatCpu(g)}` +
    `\n  one atomic group of ${g.largeAtomicGroup.items} items, POST → final: ` +
    `median ${n(g.largeAtomicGroup.medianMs, 0)} ms ` +
    `of ${g.largeAtomicGroup.runsMs.map((ms) => n(ms, 0)).join(', ')} ms`
  );
}

function webhookLine(name: string, w: ScenarioResult & WebhookMeasure): string {
  const n = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
  return (
    `${name}: ${w.received} delivered (${n(w.deliveriesPerSec)}/s), lag event → received p50 ${n(w.lagP50Ms)} ms, p99 ${n(w.lagP99Ms)} ms, ` +
    `${w.undelivered} undelivered; accept p50/p99 ${n(w.acceptP50Ms)}/${n(w.acceptP99Ms)} ms; CPU per payment ${formatCpu(w)}`
  );
}

/** `--webhooks`: the same traffic without webhooks, with one endpoint, and with a hanging one beside it. */
function printWebhooks(
  rate: number,
  plain: ScenarioResult,
  alone: ScenarioResult & WebhookMeasure,
  besideHanging: ScenarioResult & WebhookMeasure,
): void {
  const n = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
  console.log(
    `${rate} transfers/s; without webhooks: accept p50/p99 ${n(plain.acceptP50Ms)}/${n(plain.acceptP99Ms)} ms; CPU per payment ${formatCpu(plain)}`,
  );
  console.log(webhookLine('one endpoint for every event', alone));
  console.log(webhookLine('the same endpoint beside a hanging one', besideHanging));
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
