import { request } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { AppLogger } from './app-logger.js';
import { httpServerOptions } from '../http/http-adapter.js';
import { logRequests } from './logging.module.js';

describe('request logging', () => {
  let lines: Array<Record<string, unknown>>;
  let app: FastifyInstance;
  let url: string;

  beforeEach(async () => {
    lines = [];
    const logger = new AppLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    app = Fastify(httpServerOptions);
    logRequests(app, logger);
    app.all('/*', async (req, reply) => {
      logger.log('inside the request', 'Test'); // how the last test knows /hang has arrived
      if (req.url === '/hang') return new Promise(() => undefined); // answered never: the caller gives up
      return reply.code(req.url === '/fail' ? 503 : req.url === '/missing' ? 404 : 202).send({});
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(() => app.close());

  it('writes one short line per request with its id, never its headers', async () => {
    const res = await fetch(`${url}/api/v1/payments?x=1`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer secret-token',
        cookie: 'queue_dashboard_token=secret',
        'x-request-id': 'req-42',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ amount: '1.00' }),
    });
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const completed = lines.find((l) => l.msg === 'request completed');
    expect(completed).toMatchObject({
      level: 30,
      req: { id: 'req-42', method: 'POST', url: '/api/v1/payments?x=1', remoteAddress: '127.0.0.1' },
      res: { statusCode: 202 },
      responseTime: expect.any(Number),
    });
    expect(Object.keys(completed!.req as object).sort()).toEqual(['id', 'method', 'remoteAddress', 'url']);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('makes up a request id when the caller sends none or an unprintable one', async () => {
    const res = await fetch(url, { headers: { 'x-request-id': 'bad id with spaces' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({ req: { id } });
  });

  it('logs a line at the level its answer deserves, and one for a caller that went away', async () => {
    await fetch(`${url}/fail`);
    await fetch(`${url}/missing`);
    const hanging = request(`${url}/hang`).on('error', () => undefined);
    hanging.end();
    while (lines.filter((l) => l.msg === 'inside the request').length < 3) await new Promise((r) => setTimeout(r, 5));
    hanging.destroy();
    while (!lines.some((l) => l.msg === 'request aborted')) await new Promise((r) => setTimeout(r, 5));
    const byUrl = (u: string) => lines.find((l) => (l.req as { url?: string } | undefined)?.url === u);
    expect(byUrl('/fail')).toMatchObject({ level: 50, res: { statusCode: 503 }, msg: 'request completed' });
    expect(byUrl('/missing')).toMatchObject({ level: 40, res: { statusCode: 404 } });
    expect(byUrl('/hang')).toMatchObject({ level: 40, msg: 'request aborted', req: { remoteAddress: '127.0.0.1' } });
  });
});

describe('AppLogger', () => {
  const linesAt = (level: string, write: (logger: AppLogger) => void) => {
    const lines: Array<Record<string, unknown>> = [];
    write(new AppLogger(level, { write: (line: string) => void lines.push(JSON.parse(line)) }));
    return lines;
  };
  const narrate = (logger: AppLogger) => {
    logger.log('ApiModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    logger.log('HealthController {/api/v1/health}:', 'RoutesResolver');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('api listening on http://localhost:3000', 'Api');
  };

  it("keeps Nest's start-up narration at debug level, so that info shows only the app's own lines", () => {
    expect(linesAt('info', narrate).map((l) => l.msg)).toEqual(['api listening on http://localhost:3000']);
  });

  it('shows the narration at debug level, without the lines that name excluded routes with the global prefix', () => {
    const lines = linesAt('debug', narrate);
    expect(lines.map((l) => [l.level, l.context])).toEqual([
      [20, 'InstanceLoader'],
      [20, 'RouterExplorer'],
      [20, 'NestApplication'],
      [30, 'Api'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('/api/v1/health');
  });

  it("keeps a warning from Nest's start-up a warning", () => {
    const lines = linesAt('info', (logger) => logger.warn('something odd', 'InstanceLoader'));
    expect(lines).toMatchObject([{ level: 40, context: 'InstanceLoader' }]);
  });
});
