import { stripVTControlCharacters } from 'node:util';
import { migrateTestDatabase } from './support/harness.js';
import { type RunningProcess, startApiProcess, startWorkerProcess } from './support/processes.js';

async function lineOf(running: RunningProcess, text: string): Promise<string> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const line = stripVTControlCharacters(running.stdout()).split('\n').find((l) => l.includes(text));
    if (line) return line;
  }
  throw new Error(`no line with "${text}" in:\n${running.stdout()}`);
}

describe('the start-up logs', () => {
  beforeAll(() => migrateTestDatabase());

  it('are readable lines in development, with where the api listens and its Swagger UI', async () => {
    const api = await startApiProcess({ NODE_ENV: 'development', LOG_LEVEL: 'info' });
    try {
      const origin = `http://localhost:${new URL(api.url).port}`;
      const line = await lineOf(api, 'api listening on');
      expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Api\] /);
      expect(line).toContain(`api listening on ${origin} — Swagger UI at ${origin}/docs`);
      expect(stripVTControlCharacters(api.stdout())).not.toMatch(/^\{/m);
    } finally {
      await api.stop();
    }
  });

  it('are JSON lines in production, the worker naming its /health and /metrics', async () => {
    const worker = await startWorkerProcess({ NODE_ENV: 'production', LOG_LEVEL: 'info', JWT_SECRET: 'a-production-secret' });
    try {
      const origin = `http://localhost:${new URL(worker.url).port}`;
      const line = await lineOf(worker, `${origin}/metrics`);
      expect(JSON.parse(line)).toMatchObject({ level: 30, context: 'Worker', msg: expect.stringContaining(`${origin}/health`) });
      const lines = worker.stdout().trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(1);
      for (const each of lines) expect(() => JSON.parse(each)).not.toThrow();
    } finally {
      await worker.stop();
    }
  });
});
