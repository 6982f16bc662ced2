import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Answer, PaymentBurst, Ring } from '../support/burst.js';
import { startApp, type RunningApp } from '../support/harness.js';
import { openAccount } from '../support/money.js';
import { startApiProcess, startWorkerProcess, type RunningProcess } from '../support/processes.js';
import type { Relay } from '../support/relay.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from '../support/users.js';

export const DEPOSIT = '50.00';
const cents = (amount: string) => BigInt(amount.replace('.', ''));

export interface FaultStage {
  /** In-process api on direct connections, for set-up and the final checks. */
  setup: RunningApp;
  db: DataSource;
  admin: TestUser;
  ring: Ring;
  /** The processes under test, which reach the service through the relay. */
  api: RunningProcess;
  worker: RunningProcess;
  stop(): Promise<void>;
}

/** A funded ring, then the api and worker processes started with `throughRelay`'s environment. */
export async function stageBehindRelay(relay: Relay, throughRelay: () => Record<string, string>): Promise<FaultStage> {
  const setup = await startApp(undefined, { env: ADMIN_ENV });
  const admin = await loginAdmin(setup);
  const ring = await fundedRing(setup, admin, 6);
  await relay.open();
  const env = { ...ADMIN_ENV, ...throughRelay(), LOG_LEVEL: 'silent' };
  const started = await Promise.allSettled([
    startApiProcess(env),
    startWorkerProcess({ ...env, SWEEP_INTERVAL_MS: '3600000' }),
  ]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    // Left open, the other process, the relay or the app would keep jest from exiting.
    await Promise.all(started.filter((s) => s.status === 'fulfilled').map((s) => s.value.kill()));
    await relay.cut();
    await setup.close();
    throw failed.reason;
  }
  const [api, worker] = started.map((s) => (s as PromiseFulfilledResult<RunningProcess>).value);
  return {
    setup,
    db: setup.app.get<DataSource>(getDataSourceToken()),
    admin,
    ring,
    api,
    worker,
    async stop() {
      await Promise.all([api.stop(), worker.stop()]);
      await relay.cut();
      await setup.close();
    },
  };
}

/** Users with one funded USD account each; deposits are finished by a sweep, so no worker is needed. */
export async function fundedRing(api: RunningApp, admin: TestUser, size: number): Promise<Ring> {
  const users = await Promise.all(Array.from({ length: size }, () => registerUser(api)));
  const accounts = await Promise.all(users.map((u) => openAccount(api, u)));
  for (const accountId of accounts) {
    await request(api.url)
      .post('/api/v1/deposits')
      .set(admin.auth)
      .send({ accountId, amount: DEPOSIT, externalRef: `fault-${randomUUID()}` })
      .expect(202);
  }
  await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);
  return { users, accounts };
}

/** A 503 is problem details saying SERVICE_UNAVAILABLE with Retry-After, and nothing internal. */
export function expectOutageAnswer(answer: Answer): void {
  expect({
    status: answer.status,
    contentType: answer.contentType,
    retryAfter: answer.retryAfter,
    body: answer.body,
  }).toEqual({
    status: 503,
    contentType: expect.stringMatching(/^application\/problem\+json/),
    retryAfter: expect.stringMatching(/^\d+$/),
    body: {
      type: expect.any(String),
      title: 'Service Unavailable',
      status: 503,
      detail: 'a dependency is temporarily unavailable; retry shortly',
      code: 'SERVICE_UNAVAILABLE',
    },
  });
}

/** Only 202, 200 (a retried key) or 503 problem details; never a hang, a 500 or another error. */
export function expectOnlyAcceptedOrUnavailable(burst: PaymentBurst): void {
  const statuses = new Set(burst.answers.map((a) => a.status));
  expect([...statuses].filter((s) => s !== 202 && s !== 200 && s !== 503)).toEqual([]);
  burst.answers.filter((a) => a.status === 503).forEach(expectOutageAnswer);
}

/**
 * After one sweep: every payment of the ring is final; there is exactly one payment per
 * Idempotency-Key the clients used; a completed transfer has its four legs, a failed one none;
 * money is conserved and the trial balance is zero.
 */
export async function expectEveryPaymentFinalOnce(
  db: DataSource,
  api: { url: string },
  admin: TestUser,
  ring: Ring,
  burst: PaymentBurst,
): Promise<void> {
  await request(api.url)
    .post('/api/v1/admin/sweep')
    .set(admin.auth)
    .send({ olderThanMs: 0 })
    .timeout(30_000)
    .expect(200);

  const payments = await db.query<
    Array<{
      id: string;
      status: string;
      idempotency_key: string;
      failure_reason: string | null;
      commission: string;
      legs: number;
    }>
  >(
    `SELECT p.id, p.status, p.idempotency_key, p.failure_reason, p.commission::text AS commission,
            (SELECT count(*)::int FROM operations o WHERE o.payment_id = p.id) AS legs
       FROM payments p WHERE p.type = 'TRANSFER' AND p.from_account_id = ANY($1::uuid[])`,
    [ring.accounts],
  );

  expect(payments.filter((p) => p.status === 'INITIATED')).toEqual([]);
  expect(payments.map((p) => p.idempotency_key).sort()).toEqual([...burst.accepted.keys()].sort());
  expect(payments.map((p) => p.id).sort()).toEqual([...burst.accepted.values()].sort());
  for (const p of payments) {
    expect({ id: p.id, status: p.status, legs: p.legs, reason: p.failure_reason }).toEqual(
      p.status === 'COMPLETED'
        ? { id: p.id, status: p.status, legs: 4, reason: null }
        : { id: p.id, status: 'FAILED', legs: 0, reason: 'INSUFFICIENT_FUNDS' },
    );
  }

  const [{ total }] = await db.query(
    `SELECT coalesce(sum(balance), 0)::text AS total FROM accounts WHERE id = ANY($1::uuid[])`,
    [ring.accounts],
  );
  const commissions = payments
    .filter((p) => p.status === 'COMPLETED')
    .reduce((sum, p) => sum + BigInt(p.commission), 0n);
  expect(BigInt(total) + commissions).toBe(cents(DEPOSIT) * BigInt(ring.accounts.length));

  const check = await request(api.url).get('/api/v1/admin/ledger/check').set(admin.auth).expect(200);
  expect(check.body).toMatchObject({ balanced: true, mismatchedAccounts: [] });
  expect(check.body.currencies.every((c: { sum: string }) => /^0(\.0+)?$/.test(c.sum))).toBe(true);
}
