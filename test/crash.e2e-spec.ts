import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { startApp, type RunningApp } from './support/harness.js';
import { deposit, openAccount, settled, trialBalance, type Payment } from './support/money.js';
import { type RunningProcess, startWorkerProcess } from './support/processes.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from './support/users.js';

const WORKER_ENV = { ...ADMIN_ENV, SWEEP_INTERVAL_MS: '3600000', WORKER_CONCURRENCY: '32', LOG_LEVEL: 'silent' };
const DEPOSIT = '50.00';

const cents = (amount: string) => BigInt(amount.replace('.', ''));

/** Kill, stop and race worker processes in the middle of bursts: every payment ends final, once. */
describe('workers that crash, stop or race', () => {
  let api: RunningApp;
  let db: DataSource;
  let admin: TestUser;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    api = await startApp(undefined, { env: ADMIN_ENV });
    db = api.app.get<DataSource>(getDataSourceToken());
    admin = await loginAdmin(api);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await api.close();
  });

  async function worker() {
    const started = await startWorkerProcess(WORKER_ENV);
    workers.push(started);
    return started;
  }

  async function ring(size: number) {
    const users = await Promise.all(Array.from({ length: size }, () => registerUser(api)));
    const accounts = await Promise.all(users.map((u) => openAccount(api, u)));
    await Promise.all(accounts.map((a) => deposit(api, admin, a, DEPOSIT)));
    return { users, accounts };
  }

  /** Transfers around the ring, many at once, as concurrent clients would send them. */
  async function burst(
    { users, accounts }: { users: TestUser[]; accounts: string[] },
    count: number,
  ): Promise<string[]> {
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        request(api.url)
          .post('/api/v1/payments')
          .set(users[i % users.length].auth)
          .send({
            fromAccountId: accounts[i % accounts.length],
            toAccountId: accounts[(i + 1) % accounts.length],
            amount: `${1 + (i % 5)}.00`,
          })
          .expect(202),
      ),
    );
    return answers.map((a) => a.body.id as string);
  }

  async function finalCount(accounts: string[]): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM payments WHERE type = 'TRANSFER' AND status <> 'INITIATED' AND from_account_id = ANY($1::uuid[])`,
      [accounts],
    );
    return n;
  }

  async function until(condition: () => Promise<boolean>, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Every payment final; each completed one posted once (its four legs), failed ones not at all; money conserved. */
  async function expectFinishedOnce(ids: string[], { users, accounts }: { users: TestUser[]; accounts: string[] }) {
    const finals: Payment[] = [];
    for (const id of ids) finals.push(await settled(api, admin, id, 30_000));
    expect(finals.filter((p) => p.status === 'FAILED').every((p) => p.failureReason === 'INSUFFICIENT_FUNDS')).toBe(
      true,
    );
    const legs = await db.query<Array<{ payment_id: string; n: number }>>(
      `SELECT payment_id, count(*)::int AS n FROM operations WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id`,
      [ids],
    );
    const legsOf = new Map(legs.map((l) => [l.payment_id, l.n]));
    for (const payment of finals)
      expect([payment.status, legsOf.get(payment.id) ?? 0]).toEqual([
        payment.status,
        payment.status === 'COMPLETED' ? 4 : 0,
      ]);
    const balances = await Promise.all(
      accounts.map(async (a, i) =>
        cents((await request(api.url).get(`/api/v1/accounts/${a}`).set(users[i].auth).expect(200)).body.balance),
      ),
    );
    const commissions = finals
      .filter((p) => p.status === 'COMPLETED')
      .reduce((sum, p) => sum + cents(p.commission), 0n);
    expect(balances.reduce((a, b) => a + b, 0n) + commissions).toBe(cents(DEPOSIT) * BigInt(accounts.length));
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
    return finals;
  }

  it('finishes every payment exactly once after a worker is killed (SIGKILL) mid-burst, restarted twice over and swept', async () => {
    const first = await worker();
    const people = await ring(6);
    const sending = burst(people, 240);
    await until(async () => (await finalCount(people.accounts)) >= 10);
    await first.kill();
    const ids = await sending;
    // Two workers race over what is left, while an admin sweep posts it directly.
    await Promise.all([worker(), worker()]);
    const swept = await request(api.url)
      .post('/api/v1/admin/sweep')
      .set(admin.auth)
      .send({ olderThanMs: 0 })
      .expect(200);
    expect(swept.body.examined).toBeGreaterThanOrEqual(swept.body.completed + swept.body.failed);
    const finals = await expectFinishedOnce(ids, people);
    expect(finals.some((p) => p.status === 'COMPLETED')).toBe(true);
  });

  it('lets a worker stopped with SIGTERM finish its jobs and exit; what it left is finished once by the next', async () => {
    const first = await worker();
    const people = await ring(4);
    const sending = burst(people, 120);
    await until(async () => (await finalCount(people.accounts)) >= 5);
    await first.stop();
    const ids = await sending;
    const [{ half }] = await db.query(
      `SELECT count(*)::int AS half FROM payments p WHERE p.id = ANY($1::uuid[])
          AND ((p.status = 'COMPLETED') <> EXISTS (SELECT 1 FROM operations o WHERE o.payment_id = p.id))`,
      [ids],
    );
    expect(half).toBe(0);
    await worker();
    await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);
    await expectFinishedOnce(ids, people);
  });

  it('settles every hold exactly once when a worker is killed (SIGKILL) in the middle of authorizing and of a capture and void burst', async () => {
    const first = await worker();
    const people = await ring(4);
    const authorizing = (count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          request(api.url)
            .post('/api/v1/payments')
            .set(people.users[i % 4].auth)
            .send({
              fromAccountId: people.accounts[i % 4],
              toAccountId: people.accounts[(i + 1) % 4],
              amount: `${1 + (i % 3)}.00`,
              capture: 'manual',
            })
            .expect(202)
            .then((res) => res.body.id as string),
        ),
      );
    const sending = authorizing(80);
    await until(async () => (await finalCount(people.accounts)) >= 5);
    await first.kill();
    const ids = await sending;
    const second = await worker();
    await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);
    const authorized = (await Promise.all(ids.map((id) => settled(api, admin, id, 30_000)))).filter(
      (p) => p.status === 'AUTHORIZED',
    );
    expect(authorized.length).toBeGreaterThan(0);

    // Captures and voids go through the api while more holds are being authorized and the worker dies again.
    const more = authorizing(40);
    const settling = Promise.all(
      authorized.map((p, i) =>
        request(api.url)
          .post(`/api/v1/payments/${p.id}/${i % 3 === 2 ? 'void' : 'capture'}`)
          .set(admin.auth)
          .send(i % 3 === 1 ? { amount: '0.50' } : {}),
      ),
    );
    await second.kill();
    const [answers, moreIds] = await Promise.all([settling, more]);
    expect(answers.every((res) => res.status === 200)).toBe(true);
    await worker();
    await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);

    const finals = await Promise.all([...ids, ...moreIds].map((id) => settled(api, admin, id, 30_000)));
    const legs = await db.query<Array<{ payment_id: string; n: number }>>(
      `SELECT payment_id, count(*)::int AS n FROM operations WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id`,
      [finals.map((p) => p.id)],
    );
    const legsOf = new Map(legs.map((l) => [l.payment_id, l.n]));
    for (const payment of finals)
      expect([payment.id, payment.status, legsOf.get(payment.id) ?? 0]).toEqual([
        payment.id,
        payment.status,
        payment.status === 'COMPLETED' ? 4 : 0,
      ]);
    const accounts = await Promise.all(
      people.accounts.map(
        async (a, i) =>
          (await request(api.url).get(`/api/v1/accounts/${a}`).set(people.users[i].auth).expect(200)).body,
      ),
    );
    const held = finals
      .filter((p) => p.status === 'AUTHORIZED')
      .reduce((sum, p) => sum + cents(p.amount) + cents(p.commission), 0n);
    expect(accounts.reduce((sum, a) => sum + cents(a.heldBalance), 0n)).toBe(held);
    const commissions = finals
      .filter((p) => p.status === 'COMPLETED')
      .reduce((sum, p) => sum + cents(p.commission), 0n);
    expect(accounts.reduce((sum, a) => sum + cents(a.balance), 0n) + commissions).toBe(cents(DEPOSIT) * 4n);
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
  });
});
