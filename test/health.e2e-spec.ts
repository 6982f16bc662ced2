import request from 'supertest';
import { Readiness } from '#platform';
import { startApp, testDatabaseUrl, type RunningApp } from './support/harness.js';
import { startApiProcess } from './support/processes.js';
import { Relay } from './support/relay.js';

describe('/health', () => {
  const relay = Relay.to(testDatabaseUrl(), 5432);
  let api: RunningApp;

  beforeAll(async () => {
    await relay.open();
    api = await startApp(undefined, { env: { DATABASE_URL: relay.address(testDatabaseUrl()) } });
  });
  afterAll(async () => {
    await relay.cut();
    await api?.close();
  });

  it('answers 200 while PostgreSQL and Redis answer', async () => {
    const res = await request(api.url).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, redis: { status: 'up' } } });
  });

  const databaseDown = {
    status: 'error',
    error: { database: { status: 'down' } },
    details: { redis: { status: 'up' } },
  };

  it('answers 503 naming the database when PostgreSQL refuses connections, and recovers', async () => {
    await relay.cut();
    const res = await request(api.url).get('/health').timeout(10_000).expect(503);
    expect(res.body).toMatchObject(databaseDown);

    await relay.open();
    await request(api.url).get('/health').timeout(10_000).expect(200);
  });

  it('is live and ready while PostgreSQL and Redis answer', async () => {
    expect((await request(api.url).get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    const res = await request(api.url).get('/health/ready').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { shutdown: { status: 'up' }, database: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('stays live but is not ready while PostgreSQL refuses connections', async () => {
    await relay.cut();
    try {
      await request(api.url).get('/health/live').expect(200);
      const res = await request(api.url).get('/health/ready').timeout(10_000).expect(503);
      expect(res.body).toMatchObject(databaseDown);
    } finally {
      await relay.open();
    }
  });

  it('answers 503 instead of hanging when PostgreSQL accepts but never answers', async () => {
    await relay.stall();
    const res = await request(api.url).get('/health').timeout(10_000).expect(503);
    expect(res.body).toMatchObject(databaseDown);
  });
});

describe('/health/ready during a shutdown', () => {
  it('answers 503 naming the shutdown once the api has its SIGTERM, while it still answers', async () => {
    const api = await startApiProcess();
    let readiness: request.Response | undefined;
    try {
      process.kill(api.pid, 'SIGTERM');
      // It keeps accepting for a moment (the load balancer's time to notice): that is when readiness matters.
      readiness = await request(api.url)
        .get('/health/ready')
        .ok(() => true);
    } finally {
      await api.stop();
    }
    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({
      status: 'error',
      error: { shutdown: { status: 'down', message: 'draining: shutting down' } },
    });
  });

  it('answers 503 in the worker once its shutdown has begun', async () => {
    const { WorkerModule } = await import('../apps/worker/src/worker.module.js');
    const worker = await startApp(WorkerModule);
    try {
      await request(worker.url).get('/health/ready').expect(200);
      worker.app.get(Readiness).beforeApplicationShutdown();
      const res = await request(worker.url).get('/health/ready').expect(503);
      expect(res.body).toMatchObject({ error: { shutdown: { status: 'down' } } });
      await request(worker.url).get('/health/live').expect(200);
    } finally {
      await worker.close();
    }
  });
});
