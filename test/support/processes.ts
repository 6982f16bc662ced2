import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { type StartScript, startCommand } from '../../scripts/start-command.js';
import { testDatabaseUrl } from './harness.js';

export interface RunningProcess {
  url: string;
  pid: number;
  /** What it has written to standard output so far (the first 64 KiB). */
  stdout(): string;
  /** SIGTERM, then waits for the process to exit (a graceful shutdown). */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the process to exit (a crash). */
  kill(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STDOUT_KEPT = 64 * 1024;

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Runs the compiled api (`npm run build` first) against this test run's database and queue prefix. */
export async function startApiProcess(env: Record<string, string> = {}): Promise<RunningProcess> {
  const port = await freePort();
  return startProcess('start:api', port, { PORT: String(port), ...env });
}

/** Runs the compiled worker (`npm run build` first); its url serves only /health and /metrics. */
export async function startWorkerProcess(env: Record<string, string> = {}): Promise<RunningProcess> {
  const port = await freePort();
  return startProcess('start:worker', port, { WORKER_PORT: String(port), ...env });
}

/** As `npm run <script>` starts it, node flags included, against this test run's database. */
function spawnScript(
  script: StartScript,
  env: Record<string, string>,
): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const { nodeArgs, entry } = startCommand(script);
  const child = spawn(process.execPath, [...nodeArgs, resolve(entry)], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: testDatabaseUrl(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(0, STDOUT_KEPT)));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

async function startProcess(script: StartScript, port: number, env: Record<string, string>): Promise<RunningProcess> {
  const { child, stdout, stderr } = spawnScript(script, env);
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  try {
    await untilHealthy(url, child, stderr);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, pid: child.pid!, stdout, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

export interface FinishedProcess {
  /** null when it had to be killed at the deadline */
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs a script's node command to its end; one still running after `timeoutMs` is killed. */
export async function runScript(
  script: StartScript,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<FinishedProcess> {
  const started = Date.now();
  const { child, stdout, stderr } = spawnScript(script, env);
  const exited = once(child, 'close') as Promise<[number | null]>; // after its output is read to the end
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = await exited.finally(() => clearTimeout(timer));
  return { code, stdout: stdout(), stderr: stderr(), elapsedMs: Date.now() - started };
}

async function untilHealthy(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${child.spawnargs.join(' ')} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr()}`,
      );
    }
    const healthy = await fetch(`${url}/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${child.spawnargs.join(' ')} not healthy at ${url} after ${READY_TIMEOUT_MS} ms:\n${stderr()}`);
}
