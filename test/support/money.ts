import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RunningApp } from './harness.js';
import type { TestUser } from './users.js';

export interface Payment {
  id: string;
  type: string;
  status: 'INITIATED' | 'AUTHORIZED' | 'COMPLETED' | 'FAILED' | 'VOIDED' | 'EXPIRED';
  amount: string;
  commission: string;
  targetAmount: string;
  failureReason: string | null;
  [field: string]: unknown;
}

export async function openAccount(api: RunningApp, user: TestUser, currency = 'USD'): Promise<string> {
  const res = await request(api.url).post('/api/v1/accounts').set(user.auth).send({ currency }).expect(201);
  return res.body.id;
}

export async function balanceOf(api: RunningApp, user: TestUser, accountId: string): Promise<string> {
  const res = await request(api.url).get(`/api/v1/accounts/${accountId}`).set(user.auth).expect(200);
  return res.body.balance;
}

/** Polls GET /payments/:id (as a client would) until the payment is final. */
export async function settled(
  api: RunningApp,
  user: TestUser,
  paymentId: string,
  timeoutMs = 15_000,
): Promise<Payment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(api.url).get(`/api/v1/payments/${paymentId}`).set(user.auth).expect(200);
    if (res.body.status !== 'INITIATED') return res.body;
    if (Date.now() > deadline) throw new Error(`payment ${paymentId} still INITIATED after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An admin deposit, waited for until it is final. */
export async function deposit(api: RunningApp, admin: TestUser, accountId: string, amount: string): Promise<Payment> {
  const res = await request(api.url)
    .post('/api/v1/deposits')
    .set(admin.auth)
    .send({ accountId, amount, externalRef: `test-${randomUUID()}` })
    .expect(202);
  return settled(api, admin, res.body.id);
}

export async function trialBalance(api: RunningApp, admin: TestUser) {
  const res = await request(api.url).get('/api/v1/admin/ledger/check').set(admin.auth).expect(200);
  return res.body as {
    balanced: boolean;
    currencies: Array<{ currency: string; sum: string }>;
    mismatchedAccounts: unknown[];
  };
}

/** Brings a hold's expiry forward to now, on its payment and its hold alike, as if HOLD_TTL_MS had passed. */
export async function lapseHold(
  db: { query(sql: string, params?: unknown[]): Promise<unknown> },
  paymentId: string,
): Promise<void> {
  await db.query(
    `WITH payment AS (UPDATE payments SET expires_at = now() WHERE id = $1 AND status = 'AUTHORIZED') UPDATE holds SET expires_at = now() WHERE payment_id = $1`,
    [paymentId],
  );
}
