import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { startApp, type RunningApp } from './support/harness.js';
import { deposit, openAccount, settled, trialBalance } from './support/money.js';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';
import { type RunningProcess, startWorkerProcess } from './support/processes.js';
import { until } from './support/until.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from './support/users.js';

const MAX_BACKLOG_MS = 3000;

const backlogMetric = (text: string) => Number(/^billing_posting_backlog_seconds (\S+)$/m.exec(text)?.[1]);

/**
 * Posting that falls behind by more than BACKPRESSURE_MAX_BACKLOG_MS refuses new payments with 503
 * SERVICE_OVERLOADED and stores nothing, until it has caught up. The worker is frozen (SIGSTOP) to
 * fall behind, then thawed (SIGCONT). In a database of its own: the run's shared one holds the
 * payments other files leave INITIATED, which would be a backlog of their own.
 */
describe('backpressure: a posting backlog past its bound', () => {
  let database: OwnDatabase;
  let api: RunningApp;
  let worker: RunningProcess;
  let db: DataSource;
  let admin: TestUser;

  beforeAll(async () => {
    database = await ownDatabase('backpressure');
    const env = { ...ADMIN_ENV, ...database.env, BACKPRESSURE_MAX_BACKLOG_MS: String(MAX_BACKLOG_MS) };
    api = await startApp(undefined, { env });
    worker = await startWorkerProcess({ ...env, LOG_LEVEL: 'silent' });
    db = api.app.get<DataSource>(getDataSourceToken());
    admin = await loginAdmin(api);
  });
  afterAll(async () => {
    if (worker) process.kill(worker.pid, 'SIGCONT');
    await worker?.kill();
    await api?.close();
    await database?.drop();
  });

  const storedPayments = async () => (await db.query(`SELECT count(*)::int AS n FROM payments`))[0].n as number;
  const health = async () => (await request(api.url).get('/health').expect(200)).body.details.postingBacklog;

  it('answers 503 SERVICE_OVERLOADED with Retry-After to every kind of new payment while the worker is stopped, stores none, and accepts again once it has caught up', async () => {
    const alice = await registerUser(api);
    const bob = await registerUser(api);
    const [from, to] = [await openAccount(api, alice), await openAccount(api, bob)];
    await deposit(api, admin, from, '100.00');
    const pay = (body: object = {}) => request(api.url).post('/api/v1/payments').set(alice.auth).send({ fromAccountId: from, toAccountId: to, amount: '1.00', ...body });
    const transfer = await settled(api, alice, (await pay().expect(202)).body.id);
    const hold = await settled(api, alice, (await pay({ capture: 'manual' }).expect(202)).body.id);
    expect([transfer.status, hold.status]).toEqual(['COMPLETED', 'AUTHORIZED']);
    expect(await health()).toMatchObject({ accepting: true });
    expect((await health()).backlogSeconds).toBeLessThanOrEqual(MAX_BACKLOG_MS / 1000);
    expect(backlogMetric((await request(worker.url).get('/metrics').expect(200)).text)).toBeGreaterThanOrEqual(0);

    process.kill(worker.pid, 'SIGSTOP');
    const waiting = (await pay().expect(202)).body.id as string;
    await until('the api to stop accepting', async () => ((await health()).accepting === false ? true : undefined));
    const before = await storedPayments();

    const refused = await Promise.all([
      pay(),
      pay({ capture: 'manual' }),
      request(api.url).post('/api/v1/withdrawals').set(alice.auth).send({ accountId: from, amount: '1.00', destination: 'wallet-1' }),
      request(api.url).post('/api/v1/deposits').set(admin.auth).send({ accountId: from, amount: '1.00', externalRef: `bank-${randomUUID()}` }),
      request(api.url).post(`/api/v1/payments/${transfer.id}/refunds`).set(bob.auth).send({ amount: '0.50' }),
      request(api.url).post(`/api/v1/payments/${hold.id}/capture`).set(bob.auth).send({}),
    ]);
    for (const res of refused) {
      expect([res.status, res.body.code, res.headers['content-type']]).toEqual([503, 'SERVICE_OVERLOADED', 'application/problem+json; charset=utf-8']);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(await storedPayments()).toBe(before);
    expect((await request(api.url).get(`/api/v1/payments/${hold.id}`).set(alice.auth).expect(200)).body.status).toBe('AUTHORIZED');
    expect(await health()).toMatchObject({ accepting: false });
    expect((await health()).backlogSeconds).toBeGreaterThan(MAX_BACKLOG_MS / 1000);
    expect(backlogMetric((await request(api.url).get('/metrics').expect(200)).text)).toBeGreaterThan(MAX_BACKLOG_MS / 1000);
    // Bad input is still told so: the bound refuses only what would be stored.
    expect((await pay({ amount: '1.001' }).expect(400)).body.code).toBe('INVALID_AMOUNT');

    process.kill(worker.pid, 'SIGCONT');
    const accepted = await until('a payment to be accepted again', async () => {
      const res = await pay();
      return res.status === 202 ? (res.body.id as string) : undefined;
    });
    expect((await settled(api, alice, waiting)).status).toBe('COMPLETED');
    expect((await settled(api, alice, accepted)).status).toBe('COMPLETED');
    await request(api.url).post(`/api/v1/payments/${hold.id}/capture`).set(bob.auth).send({}).expect(200);
    expect(await health()).toMatchObject({ accepting: true });
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
  });
});
