import request from 'supertest';
import { startApp, testDatabaseUrl, type RunningApp } from './support/harness.js';
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

  const databaseDown = { status: 'error', error: { database: { status: 'down' } }, details: { redis: { status: 'up' } } };

  it('answers 503 naming the database when PostgreSQL refuses connections, and recovers', async () => {
    await relay.cut();
    const res = await request(api.url).get('/health').timeout(10_000).expect(503);
    expect(res.body).toMatchObject(databaseDown);

    await relay.open();
    await request(api.url).get('/health').timeout(10_000).expect(200);
  });

  it('answers 503 instead of hanging when PostgreSQL accepts but never answers', async () => {
    await relay.stall();
    const res = await request(api.url).get('/health').timeout(10_000).expect(503);
    expect(res.body).toMatchObject(databaseDown);
  });
});
