import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrateDatabase } from '#platform';
import { migrations } from '#migrations';
import { type StartScript, startCommand } from '../scripts/start-command.js';

const STARTUP_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;

export interface BenchProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * The system under test, started the way production starts it: a fresh database of its own, a
 * queue prefix of its own, and the compiled api and worker as separate OS processes, with the
 * node flags of `npm run start:api` and `start:worker`.
 */
export class Stack {
  readonly suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  readonly databaseName = `billing_bench_${this.suffix}`;
  readonly queuePrefix = `bench-${this.suffix}`;
  readonly jwtSecret = randomBytes(32).toString('hex');
  readonly adminEmail = `bench-admin-${this.suffix}@bench.test`;
  readonly adminPassword = randomBytes(12).toString('hex');
  readonly logDir = join(tmpdir(), `billing-bench-${this.suffix}`);
  readonly databaseUrl: string;
  apiUrl = '';
  workerUrl = '';
  readonly processes: BenchProcess[] = [];
  /** Peaks before the last `peakRssDuring`, which `peakRssMb` still counts. */
  private earlierPeaksMb: Record<string, number> = {};

  constructor(
    private readonly serverUrl: string,
    readonly redisUrl: string,
  ) {
    this.databaseUrl = withDatabase(serverUrl, this.databaseName);
  }

  async start(extraEnv: Record<string, string>, nodeArgs: string[]): Promise<void> {
    mkdirSync(this.logDir, { recursive: true });
    await migrateDatabase(this.databaseUrl, migrations);
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      JWT_SECRET: this.jwtSecret,
      ADMIN_EMAIL: this.adminEmail,
      ADMIN_PASSWORD: this.adminPassword,
      QUEUE_PREFIX: this.queuePrefix,
      PORT: String(apiPort),
      WORKER_PORT: String(workerPort),
      // The load comes from one address with a thousand tokens: the API-wide rate limits would measure themselves.
      RATE_LIMIT_PER_CREDENTIAL: '0',
      RATE_LIMIT_PER_IP: '0',
      ...extraEnv,
    };
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    this.workerUrl = `http://127.0.0.1:${workerPort}`;
    // The api first: it creates the technical accounts and the administrator the worker and the seed rely on.
    this.spawn('api', 'start:api', env, nodeArgs);
    await this.waitHealthy(this.apiUrl);
    this.spawn('worker', 'start:worker', env, nodeArgs);
    await this.waitHealthy(this.workerUrl);
  }

  /** Each process's pid by name. */
  pids(): Record<string, number> {
    return Object.fromEntries(this.processes.map(({ name, child }) => [name, child.pid!]));
  }

  /** Peak resident set of each process so far (VmHWM), in MiB. */
  peakRssMb(): Record<string, number> {
    const peaks = this.currentPeaksMb();
    for (const [name, mb] of Object.entries(this.earlierPeaksMb)) peaks[name] = Math.max(peaks[name], mb);
    return peaks;
  }

  /** Runs `measured`, and answers each process's peak resident set during it beside its result. */
  async peakRssDuring<T>(measured: () => Promise<T>): Promise<{ result: T; peakRssMb: Record<string, number> }> {
    const earlier = this.peakRssMb();
    this.resetPeakRss();
    this.earlierPeaksMb = earlier;
    const result = await measured();
    return { result, peakRssMb: this.currentPeaksMb() };
  }

  private currentPeaksMb(): Record<string, number> {
    const peaks: Record<string, number> = {};
    for (const { name, child } of this.processes) {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        peaks[name] = kb ? Math.round(Number(kb) / 1024) : NaN;
      } catch {
        peaks[name] = NaN;
      }
    }
    return peaks;
  }

  /**
   * Starts the peaks over (Linux: clear_refs 5), after seeding: its burst of registrations and
   * logins hashes passwords with argon2, 19 MiB each, as many at once as libuv has threads, which
   * is not the traffic the scenarios measure.
   */
  resetPeakRss(): void {
    this.earlierPeaksMb = {};
    for (const { child } of this.processes) {
      try {
        writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
      } catch {
        // Not Linux, or not allowed: the peaks then include the seeding.
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async ({ child, exited }) => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        const code = await Promise.race([exited, sleep(SHUTDOWN_TIMEOUT_MS, 'timeout' as const)]);
        if (code === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }),
    );
  }

  async destroy(): Promise<void> {
    await this.stop();
    const admin = new pg.Client({ connectionString: this.serverUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${this.databaseName}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    const redis = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      const keys = await redis.keys(`${this.queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }

  private spawn(name: string, npmScript: StartScript, env: NodeJS.ProcessEnv, extraNodeArgs: string[]): void {
    const { nodeArgs, entry } = startCommand(npmScript);
    const log = openSync(join(this.logDir, `${name}.log`), 'a');
    // Extra flags after the script's own: V8 takes the last value of a flag given twice.
    const child = spawn(process.execPath, [...nodeArgs, ...extraNodeArgs, entry], { env, stdio: ['ignore', log, log] });
    closeSync(log);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    this.processes.push({ name, child, exited });
  }

  private async waitHealthy(baseUrl: string): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const crashed = this.processes.find((p) => p.child.exitCode !== null);
      if (crashed)
        throw new Error(
          `${crashed.name} exited with ${crashed.child.exitCode}; see ${this.logDir}/${crashed.name}.log`,
        );
      const healthy = await fetch(`${baseUrl}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) return;
      await sleep(200);
    }
    throw new Error(`${baseUrl} not healthy after ${STARTUP_TIMEOUT_MS} ms; see logs in ${this.logDir}`);
  }
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
