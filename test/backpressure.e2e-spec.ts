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

interface Stage {
  database: OwnDatabase;
  api: RunningApp;
  worker: RunningProcess;
}

/** An api and a worker process on a database of their own, refusing past MAX_BACKLOG_MS; set in beforeAll. */
function stage(label: string, env: { api?: Record<string, string>; worker?: Record<string, string> } = {}): Stage {
  const running = {} as Stage;
  beforeAll(async () => {
    running.database = await ownDatabase(label);
    const common = { ...ADMIN_ENV, ...running.database.env, BACKPRESSURE_MAX_BACKLOG_MS: String(MAX_BACKLOG_MS) };
    running.api = await startApp(undefined, { env: { ...common, ...env.api } });
    running.worker = await startWorkerProcess({ ...common, LOG_LEVEL: 'silent', ...env.worker });
  });
  afterAll(async () => {
    await running.worker?.kill();
    await running.api?.close();
    await running.database?.drop();
  });
  return running;
}

const backlogMetric = (text: string) => Number(/^billing_posting_backlog_seconds (\S+)$/m.exec(text)?.[1]);

/**
 * Posting that falls behind by more than BACKPRESSURE_MAX_BACKLOG_MS refuses new payments with 503
 * SERVICE_OVERLOADED and stores nothing, until it has caught up. The worker is frozen (SIGSTOP) to
 * fall behind, then thawed (SIGCONT). In a database of its own: the run's shared one holds the
 * payments other files leave INITIATED, which would be a backlog of their own.
 */
describe('backpressure: a posting backlog past its bound', () => {
  const running = stage('backpressure');
  let api: RunningApp;
  let worker: RunningProcess;
  let db: DataSource;
  let admin: TestUser;

  beforeAll(async () => {
    ({ api, worker } = running);
    db = api.app.get<DataSource>(getDataSourceToken());
    admin = await loginAdmin(api);
  });

  const storedPayments = async () => (await db.query(`SELECT count(*)::int AS n FROM payments`))[0].n as number;
  const health = async () => (await request(api.url).get('/health').expect(200)).body.details.postingBacklog;

  const REFUSES = 'answers 503 SERVICE_OVERLOADED, Retry-After, to every new payment while the worker is stopped';
  it(`${REFUSES}, stores none, and accepts again once it has caught up`, async () => {
    const alice = await registerUser(api);
    const bob = await registerUser(api);
    const [from, to] = [await openAccount(api, alice), await openAccount(api, bob)];
    await deposit(api, admin, from, '100.00');
    const pay = (body: object = {}) =>
      request(api.url)
        .post('/api/v1/payments')
        .set(alice.auth)
        .send({ fromAccountId: from, toAccountId: to, amount: '1.00', ...body });
    const post = (path: string, user: TestUser, body: object) =>
      request(api.url).post(`/api/v1${path}`).set(user.auth).send(body);
    const transfer = await settled(api, alice, (await pay().expect(202)).body.id);
    const hold = await settled(api, alice, (await pay({ capture: 'manual' }).expect(202)).body.id);
    expect([transfer.status, hold.status]).toEqual(['COMPLETED', 'AUTHORIZED']);
    expect(await health()).toMatchObject({ accepting: true });
    expect((await health()).backlogSeconds).toBeLessThanOrEqual(MAX_BACKLOG_MS / 1000);
    const workerMetrics = await request(worker.url).get('/metrics').expect(200);
    expect(backlogMetric(workerMetrics.text)).toBeGreaterThanOrEqual(0);

    process.kill(worker.pid, 'SIGSTOP');
    const waiting = (await pay().expect(202)).body.id as string;
    await until('the api to stop accepting', async () => ((await health()).accepting === false ? true : undefined));
    const before = await storedPayments();

    const refused = await Promise.all([
      pay(),
      pay({ capture: 'manual' }),
      post('/withdrawals', alice, { accountId: from, amount: '1.00', destination: 'wallet-1' }),
      post('/deposits', admin, { accountId: from, amount: '1.00', externalRef: `bank-${randomUUID()}` }),
      post(`/payments/${transfer.id}/refunds`, bob, { amount: '0.50' }),
      post(`/payments/${hold.id}/capture`, bob, {}),
    ]);
    for (const res of refused) {
      const answer = [res.status, res.body.code, res.headers['content-type']];
      expect(answer).toEqual([503, 'SERVICE_OVERLOADED', 'application/problem+json; charset=utf-8']);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(await storedPayments()).toBe(before);
    expect((await settled(api, alice, hold.id)).status).toBe('AUTHORIZED');
    expect(await health()).toMatchObject({ accepting: false });
    expect((await health()).backlogSeconds).toBeGreaterThan(MAX_BACKLOG_MS / 1000);
    const scraped = await request(api.url).get('/metrics').expect(200);
    expect(backlogMetric(scraped.text)).toBeGreaterThan(MAX_BACKLOG_MS / 1000);
    // Bad input is still told so: the bound refuses only what would be stored.
    expect((await pay({ amount: '1.001' }).expect(400)).body.code).toBe('INVALID_AMOUNT');

    process.kill(worker.pid, 'SIGCONT');
    const accepted = await until('a payment to be accepted again', async () => {
      const res = await pay();
      return res.status === 202 ? (res.body.id as string) : undefined;
    });
    expect((await settled(api, alice, waiting)).status).toBe('COMPLETED');
    expect((await settled(api, alice, accepted)).status).toBe('COMPLETED');
    await post(`/payments/${hold.id}/capture`, bob, {}).expect(200);
    expect(await health()).toMatchObject({ accepting: true });
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
  });
});

/**
 * A payment whose job was lost holds the backlog up as much as a slow worker: the worker posts it
 * once it is older than the bound while no job waits, rather than after SWEEP_STALE_AFTER_MS. Its
 * job is lost for good here: the api enqueues under a prefix that no worker consumes.
 */
describe('backpressure: a payment whose job was lost', () => {
  const running = stage('lost_jobs', {
    api: { QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-lost_jobs-nobody-consumes` },
    worker: { SWEEP_INTERVAL_MS: '3600000' },
  });

  it('is posted as soon as it is older than the bound with no job waiting, and the api accepts again', async () => {
    const { api } = running;
    const admin = await loginAdmin(api);
    const user = await registerUser(api);
    const account = await openAccount(api, user);
    const book = () =>
      request(api.url)
        .post('/api/v1/deposits')
        .set(admin.auth)
        .send({ accountId: account, amount: '10.00', externalRef: `bank-${randomUUID()}` });
    const lost = (await book().expect(202)).body.id as string;
    expect((await settled(api, admin, lost, 30_000)).status).toBe('COMPLETED');
    await until('the api to accept again', async () => ((await book()).status === 202 ? true : undefined));
  });
});
