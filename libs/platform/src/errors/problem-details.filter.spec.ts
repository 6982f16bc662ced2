import { Logger } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { AppLogger } from '../logging/app-logger.js';
import { httpServerOptions } from '../http/http-adapter.js';
import { replyWithProblem } from './problem-details.filter.js';

describe('replyWithProblem, for what no domain error names', () => {
  let lines: Array<Record<string, unknown>>;
  let app: FastifyInstance;
  let url: string;

  beforeEach(async () => {
    lines = [];
    Logger.overrideLogger(new AppLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }));
    app = Fastify(httpServerOptions);
    app.setErrorHandler((error, request, reply) => replyWithProblem(error, request, reply));
    app.get('/bug', async () => {
      throw new TypeError('cannot read x of undefined');
    });
    app.get('/outage', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await app.close();
    Logger.overrideLogger(true);
  });

  it('answers 500 quoting the request id, and logs the error with that id, never telling the client what broke', async () => {
    const res = await fetch(`${url}/bug`, { headers: { 'x-request-id': 'req-500' } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', requestId: 'req-500' });
    expect(JSON.stringify(body)).not.toContain('cannot read');
    const logged = lines.find((l) => l.level === 50);
    expect(logged).toMatchObject({ reqId: 'req-500', context: 'ProblemDetails', msg: 'cannot read x of undefined' });
    expect((logged!.err as { stack: string }).stack).toContain('TypeError: cannot read x of undefined');
  });

  it('answers 503 with Retry-After for an outage, and warns with the request id', async () => {
    const res = await fetch(`${url}/outage`, { headers: { 'x-request-id': 'req-503' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(lines.find((l) => l.level === 40)).toMatchObject({
      reqId: 'req-503',
      msg: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
