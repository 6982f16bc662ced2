import request from 'supertest';
import { startApp, type RunningApp } from './support/harness.js';
import { type RunningProcess, startWorkerProcess } from './support/processes.js';

const METRICS_TOKEN = 'metrics-token-for-tests';

/** /metrics is open by default (development); with METRICS_TOKEN set, the api's and the worker's take only that bearer. */
describe('/metrics with METRICS_TOKEN', () => {
  let api: RunningApp;
  let worker: RunningProcess;

  beforeAll(async () => {
    [api, worker] = await Promise.all([
      startApp(undefined, { env: { METRICS_TOKEN } }),
      startWorkerProcess({ METRICS_TOKEN, SWEEP_INTERVAL_MS: '3600000', LOG_LEVEL: 'silent' }),
    ]);
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it.each([
    ['no Authorization', undefined],
    ['another token', 'Bearer not-the-token'],
    ['the token without Bearer', METRICS_TOKEN],
    ['a longer token', `Bearer ${METRICS_TOKEN}x`],
  ])('answers %s with 401 problem details, on the api and on the worker', async (_name, authorization) => {
    for (const url of [api.url, worker.url]) {
      const req = request(url).get('/metrics');
      const res = await (authorization ? req.set('Authorization', authorization) : req);
      expect({ url, status: res.status, code: res.body.code, type: res.headers['content-type'] }).toEqual({
        url,
        status: 401,
        code: 'UNAUTHORIZED',
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(res.text).not.toContain('billing_payments_total');
    }
  });

  it('serves Prometheus text to the METRICS_TOKEN bearer, on the api and on the worker; /health stays open', async () => {
    for (const url of [api.url, worker.url]) {
      const res = await request(url).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(res.text).toContain('billing_payments_total');
      await request(url).get('/health').expect(200);
    }
  });
});
