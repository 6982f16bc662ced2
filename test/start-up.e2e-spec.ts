import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { type StartScript, startCommand } from '../scripts/start-command.js';
import { migrateTestDatabase } from './support/harness.js';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';
import {
  type FinishedProcess,
  freePort,
  type RunningProcess,
  runScript,
  startApiProcess,
  startWorkerProcess,
} from './support/processes.js';

const REFUSED_WITHIN_MS = 10_000;

/** What the contract asks of a process that cannot start: a non-zero exit and one line naming what is wrong, no stack. */
function expectOneLineNaming(run: FinishedProcess, ...names: string[]): void {
  expect(run.code).toEqual(expect.any(Number)); // null: still running at the deadline
  expect(run.code).not.toBe(0);
  expect(run.elapsedMs).toBeLessThan(REFUSED_WITHIN_MS);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  for (const name of names) expect(lines[0]).toContain(name);
  expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
}

async function lineOf(running: RunningProcess, text: string): Promise<string> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const line = stripVTControlCharacters(running.stdout())
      .split('\n')
      .find((l) => l.includes(text));
    if (line) return line;
  }
  throw new Error(`no line with "${text}" in:\n${running.stdout()}`);
}

/** Nobody listens on a free port: connecting to it is refused. */
const closedPort = freePort;

describe.each<StartScript>(['migration:run', 'start:api', 'start:worker'])('npm run %s', (script) => {
  it('stops with one line naming every bad setting', async () => {
    const run = await runScript(script, {
      PORT: 'abc',
      WORKER_PORT: '-1',
      CURRENCIES: 'USD,DOGE',
      SMTP_URL: 'smtp://mailer:s3cret@mail:port',
    });
    expectOneLineNaming(run, 'PORT', 'WORKER_PORT', 'CURRENCIES', 'SMTP_URL');
    expect(run.stderr).not.toContain('s3cret');
  });

  it('stops with one line naming DATABASE_URL when PostgreSQL is unreachable, its password starred', async () => {
    const url = `postgres://postgres:s3cret@127.0.0.1:${await closedPort()}/billing_test`;
    const run = await runScript(script, { DATABASE_URL: url });
    expectOneLineNaming(run, 'cannot reach DATABASE_URL', url.replace('s3cret', '***'), 'ECONNREFUSED');
    expect(run.stderr).not.toContain('s3cret');
  });
});

describe.each<StartScript>(['start:api', 'start:worker'])('npm run %s', (script) => {
  it('stops with one line naming REDIS_URL when Redis is unreachable, its password starred', async () => {
    const url = `redis://:s3cret@127.0.0.1:${await closedPort()}`;
    const run = await runScript(script, { REDIS_URL: url });
    expectOneLineNaming(run, 'cannot reach REDIS_URL', url.replace('s3cret', '***'), 'ECONNREFUSED');
    expect(run.stderr).not.toContain('s3cret');
  });
});

describe.each<[StartScript, string]>([
  ['start:api', 'PORT'],
  ['start:worker', 'WORKER_PORT'],
])('npm run %s', (script, variable) => {
  beforeAll(() => migrateTestDatabase());

  it(`stops with one line naming ${variable} when its port is already in use`, async () => {
    const squatter = createServer().listen(0, '0.0.0.0');
    await once(squatter, 'listening');
    const { port } = squatter.address() as { port: number };
    try {
      const run = await runScript(script, { [variable]: String(port) });
      expectOneLineNaming(run, `${variable}=${port}`, 'already in use');
    } finally {
      squatter.close();
    }
  });

  it('stops with one line naming both DATABASE_URL and REDIS_URL when neither answers', async () => {
    const run = await runScript(script, {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/billing_test`,
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });
    expectOneLineNaming(run, 'cannot reach DATABASE_URL', 'cannot reach REDIS_URL');
  });
});

/** What a process said of itself, without the lines about requests (the health checks that waited for it). */
const ownLines = (running: RunningProcess) =>
  stripVTControlCharacters(running.stdout())
    .trimEnd()
    .split('\n')
    .filter((line) => !/request completed/.test(line));

describe('the start-up logs', () => {
  // A database and queue of their own: a worker on the run's shared ones would post the other files' payments and
  // log about them.
  let database: OwnDatabase;
  beforeAll(async () => (database = await ownDatabase('startup')));
  afterAll(() => database.drop());

  it('are two readable lines in development (the api and Swagger UI URLs), and a warning if insecure', async () => {
    const api = await startApiProcess({
      ...database.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      WEBHOOK_ALLOW_INSECURE: 'true',
    });
    try {
      const origin = `http://localhost:${new URL(api.url).port}`;
      const line = await lineOf(api, 'api listening on');
      expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Api\] /);
      expect(line).toContain(`api listening on ${origin} — Swagger UI at ${origin}/docs`);
      expect(stripVTControlCharacters(api.stdout())).not.toMatch(/^\{/m);
      const lines = ownLines(api);
      const insecure = lines.filter((l) => l.includes('WEBHOOK_ALLOW_INSECURE'));
      expect(insecure).toEqual([expect.stringContaining('WARN: [Webhooks]')]);
      expect(lines.filter((l) => !l.includes('WARN'))).toEqual([
        expect.stringMatching(/created \d+ technical accounts/),
        expect.stringContaining('api listening on'),
      ]);
      expect(api.stdout()).not.toMatch(/InstanceLoader|RouterExplorer|RoutesResolver|NestFactory|\/api\/v1\/health/);
    } finally {
      await api.stop();
    }
  });

  it("say nothing of Nest's modules and routes unless LOG_LEVEL=debug, then name /health as it is served", async () => {
    const env = { ...database.env, NODE_ENV: 'production', LOG_LEVEL: 'debug', JWT_SECRET: 'a-production-secret' };
    const worker = await startWorkerProcess(env);
    try {
      await lineOf(worker, 'worker processing payments');
      const lines = worker
        .stdout()
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { level: number; context?: string; msg: string });
      expect(lines.filter((l) => l.context === 'InstanceLoader').every((l) => l.level === 20)).toBe(true);
      expect(lines.some((l) => l.context === 'RouterExplorer' && l.msg.includes('{/health, GET}'))).toBe(true);
      expect(JSON.stringify(lines)).not.toContain('/api/v1/health');
    } finally {
      await worker.stop();
    }
  });

  it('are JSON lines in production, the worker saying only where its /health and /metrics are', async () => {
    const worker = await startWorkerProcess({
      ...database.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      JWT_SECRET: 'a-production-secret',
    });
    try {
      const origin = `http://localhost:${new URL(worker.url).port}`;
      const line = await lineOf(worker, `${origin}/metrics`);
      expect(JSON.parse(line)).toMatchObject({
        level: 30,
        context: 'Worker',
        msg: expect.stringContaining(`${origin}/health`),
      });
      // Its one line (Nest's own are at debug level), besides a warning for each PostgreSQL setting that is off here.
      const lines = worker.stdout().trimEnd().split('\n');
      expect(lines.filter((l) => (JSON.parse(l) as { context?: string }).context !== 'PostgreSQL')).toEqual([line]);
    } finally {
      await worker.stop();
    }
  });
});

describe("the api's threadpool preload", () => {
  // What the api's node flags add to the worker's: the CommonJS file that sizes libuv's pool before it starts.
  const workerArgs = startCommand('start:worker').nodeArgs;
  const preload = startCommand('start:api').nodeArgs.filter((arg) => !workerArgs.includes(arg));
  const poolSizeWith = (env: Record<string, string>) =>
    execFileSync(process.execPath, [...preload, '-p', 'process.env.UV_THREADPOOL_SIZE'], {
      env: { PATH: process.env.PATH, ...env },
    })
      .toString()
      .trim();

  it('sizes the pool to the cores, at least two', () => {
    expect(poolSizeWith({})).toBe(String(Math.max(2, availableParallelism())));
  });

  it("keeps an operator's UV_THREADPOOL_SIZE", () => {
    expect(poolSizeWith({ UV_THREADPOOL_SIZE: '7' })).toBe('7');
  });
});
