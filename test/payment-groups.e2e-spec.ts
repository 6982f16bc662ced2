import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { RunningApp } from './support/harness.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { balanceOf, deposit, openAccount, type Payment, settled, trialBalance } from './support/money.js';
import { until } from './support/until.js';
import { registerUser, type TestUser } from './support/users.js';

interface Group {
  id: string;
  status: 'INITIATED' | 'COMPLETED' | 'FAILED';
  atomic: boolean;
  itemCount: number;
  counts: { completed: number; failed: number } | null;
  failure: { itemIndex: number; code: string } | null;
  payments: Payment[];
}

/** Payment groups: many payments in one request, posted all or nothing (atomic) or each alone, and their dry runs. */
describe('payment groups', () => {
  // No commission on transfers: each test's sums are then the amounts alone.
  const suite = ledgerSuite({ api: { COMMISSION_SCHEDULE: '{"TRANSFER":{"bps":0,"min":0}}' } });
  let api: RunningApp;
  let admin: TestUser;
  let db: DataSource;
  let payer: TestUser;
  let payee: TestUser;
  let other: TestUser;
  let from: string;
  let to: string;
  let third: string;
  let othersAccount: string;
  beforeAll(async () => {
    ({ api, admin, db } = suite);
    [payer, payee, other] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    [from, to, third, othersAccount] = await Promise.all([
      openAccount(api, payer),
      openAccount(api, payee),
      openAccount(api, payer),
      openAccount(api, other),
    ]);
    await deposit(api, admin, from, '1000.00');
  });

  const transfer = (fromAccountId: string, toAccountId: string, amount: string, extra: object = {}) => ({
    type: 'TRANSFER',
    fromAccountId,
    toAccountId,
    amount,
    ...extra,
  });
  const send = (user: TestUser, body: object, key?: string) => {
    const req = request(api.url).post('/api/v1/payment-groups').set(user.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const final = (user: TestUser, id: string) =>
    until(`group ${id} final`, async () => {
      const res = await request(api.url).get(`/api/v1/payment-groups/${id}`).set(user.auth).expect(200);
      return res.body.status === 'INITIATED' ? undefined : (res.body as Group);
    });
  const balances = async (...accounts: Array<[TestUser, string]>) =>
    Promise.all(accounts.map(([user, id]) => balanceOf(api, user, id)));
  const rowCounts = async () => {
    const [row] = await db.query<Array<Record<string, string>>>(
      `SELECT (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM payment_groups) AS groups,
              (SELECT count(*) FROM operations) AS operations, (SELECT count(*) FROM holds) AS holds`,
    );
    return row;
  };

  it('accepts an atomic group (202, every item a payment of the group) and posts it in item order', async () => {
    const [before] = await balances([payer, from]);
    // The second item spends what the first brings: only in this order can it complete.
    const res = await send(payer, {
      description: 'Order A-17',
      metadata: { orderId: 'A-17' },
      items: [transfer(from, third, '30.00'), transfer(third, to, '30.00')],
    }).expect(202);
    expect(res.body).toMatchObject({ status: 'INITIATED', atomic: true, itemCount: 2, description: 'Order A-17' });
    expect(res.body.payments).toHaveLength(2);
    for (const payment of res.body.payments)
      expect(payment).toMatchObject({ status: 'INITIATED', groupId: res.body.id });

    const group = await final(payer, res.body.id);
    expect(group).toMatchObject({ status: 'COMPLETED', counts: { completed: 2, failed: 0 }, failure: null });
    expect(group.payments.map((p) => p.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(await balances([payer, from], [payer, third])).toEqual([(Number(before) - 30).toFixed(2), '0.00']);

    const listed = await request(api.url).get(`/api/v1/payments?groupId=${res.body.id}`).set(payer.auth).expect(200);
    expect(listed.body.data.map((p: Payment) => p.id).sort()).toEqual(
      res.body.payments.map((p: Payment) => p.id).sort(),
    );
    const groups = await request(api.url)
      .get('/api/v1/payment-groups?metadata[orderId]=A-17')
      .set(payer.auth)
      .expect(200);
    expect(groups.body.data.map((g: Group) => g.id)).toEqual([res.body.id]);
    const payeeView = await request(api.url).get(`/api/v1/payment-groups/${res.body.id}`).set(payee.auth);
    expect(payeeView.status).toBe(404);
  });

  it('moves nothing when the 1,000th item of an atomic group fails: every payment FAILED, the culprit with its code', async () => {
    const before = await balances([payer, from], [payee, to]);
    const counts = await rowCounts();
    const items = Array.from({ length: 1000 }, (_, i) => transfer(from, to, i === 999 ? '100000.00' : '0.01'));
    const res = await send(payer, { items }).expect(202);
    const group = await final(payer, res.body.id);

    expect(group).toMatchObject({ status: 'FAILED', failure: { itemIndex: 999, code: 'INSUFFICIENT_FUNDS' } });
    expect(group.counts).toEqual({ completed: 0, failed: 1000 });
    expect(group.payments[999].failureReason).toBe('INSUFFICIENT_FUNDS');
    expect(new Set(group.payments.slice(0, 999).map((p) => `${p.status} ${p.failureReason}`))).toEqual(
      new Set(['FAILED GROUP_FAILED']),
    );
    expect(await balances([payer, from], [payee, to])).toEqual(before);
    expect((await rowCounts()).operations).toBe(counts.operations);
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
  });

  it('posts a non-atomic group item by item: the failures alone fail, and the group COMPLETED with its counts', async () => {
    const res = await send(payer, {
      atomic: false,
      items: [transfer(from, to, '1.00'), transfer(from, to, '100000.00'), transfer(from, to, '2.00')],
    }).expect(202);
    const group = await final(payer, res.body.id);
    expect(group).toMatchObject({
      status: 'COMPLETED',
      atomic: false,
      counts: { completed: 2, failed: 1 },
      failure: null,
    });
    expect(group.payments.map((p) => p.failureReason)).toEqual([null, 'INSUFFICIENT_FUNDS', null]);
  });

  it('fails a precondition made false by an earlier item of the same group', async () => {
    const available = Number(await balanceOf(api, payer, from));
    const res = await send(payer, {
      items: [
        transfer(from, to, '5.00'),
        // Holds before item 0 runs, not after it.
        transfer(from, to, '1.00', { conditions: { fromAvailableAtLeast: available.toFixed(2) } }),
      ],
    }).expect(202);
    const group = await final(payer, res.body.id);
    expect(group).toMatchObject({ status: 'FAILED', failure: { itemIndex: 1, code: 'PRECONDITION_FAILED' } });
    expect(group.payments.map((p) => p.failureReason)).toEqual(['GROUP_FAILED', 'PRECONDITION_FAILED']);
    expect(Number(await balanceOf(api, payer, from))).toBe(available);

    const capped = await send(payer, {
      items: [transfer(from, to, '1.00', { conditions: { toBalanceAtMost: '0.00' } })],
    }).expect(202);
    expect((await final(payer, capped.body.id)).failure).toEqual({ itemIndex: 0, code: 'PRECONDITION_FAILED' });
  });

  it('never overdraws under 20 racing groups over the same accounts', async () => {
    const [racer] = await Promise.all([registerUser(api)]);
    const [a, b] = await Promise.all([openAccount(api, racer), openAccount(api, racer)]);
    await deposit(api, admin, a, '100.00');
    // Each group takes 10.00 from `a` net, its second item giving back 1.00 of what its first brought to `b`:
    // a group completes only if `a` has 10.00 when it starts, so exactly ten do.
    const groups = await Promise.all(
      Array.from({ length: 20 }, () =>
        send(racer, { items: [transfer(a, b, '6.00'), transfer(b, a, '1.00'), transfer(a, b, '5.00')] }).expect(202),
      ),
    );
    const settledGroups = await Promise.all(groups.map((res) => final(racer, res.body.id)));
    const completed = settledGroups.filter((g) => g.status === 'COMPLETED').length;
    expect(completed).toBe(10);
    expect(
      settledGroups.filter((g) => g.status === 'FAILED').every((g) => g.failure?.code === 'INSUFFICIENT_FUNDS'),
    ).toBe(true);
    expect(await balances([racer, a], [racer, b])).toEqual(['0.00', '100.00']);
  });

  it('answers a repeat of its Idempotency-Key with the same group (200), and another body with 409', async () => {
    const key = randomUUID();
    const body = { items: [transfer(from, to, '1.50')] };
    const first = await send(payer, body, key).expect(202);
    const again = await send(payer, body, key).expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.payments.map((p: Payment) => p.id)).toEqual(first.body.payments.map((p: Payment) => p.id));
    const other = await send(payer, { items: [transfer(from, to, '1.51')] }, key).expect(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const conditioned = await send(
      payer,
      { items: [transfer(from, to, '1.50', { conditions: { toBalanceAtMost: '1.00' } })] },
      key,
    );
    expect(conditioned.status).toBe(409);
    await final(payer, first.body.id);
  });

  it("refunds a group's payment as any payment", async () => {
    const res = await send(payer, { items: [transfer(from, to, '4.00'), transfer(from, to, '3.00')] }).expect(202);
    const group = await final(payer, res.body.id);
    const refund = await request(api.url)
      .post(`/api/v1/payments/${group.payments[1].id}/refunds`)
      .set(payee.auth)
      .send({ amount: '1.00' })
      .expect(202);
    expect(await settled(api, payee, refund.body.id)).toMatchObject({ status: 'COMPLETED', groupId: null });
    expect((await settled(api, payer, group.payments[1].id)).refundedAmount).toBe('1.00');
  });

  describe('refusals, which store nothing', () => {
    let before: Record<string, string>;
    beforeEach(async () => {
      before = await rowCounts();
    });
    afterEach(async () => {
      expect(await rowCounts()).toEqual(before);
    });

    it('refuses an item from an account the caller does not own with 404 naming the item', async () => {
      const res = await send(payer, {
        items: [transfer(from, to, '1.00'), transfer(from, to, '1.00'), transfer(othersAccount, to, '1.00')],
      }).expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', errors: [{ field: 'items[2]' }] });
      expect(res.body.detail).toMatch(/^items\[2\]/);
    });

    it("refuses a user's deposit item with 403 FORBIDDEN naming the item; an administrator's is accepted", async () => {
      const item = { type: 'DEPOSIT', accountId: to, amount: '1.00', externalRef: `grp-${randomUUID()}` };
      const res = await send(payer, { items: [transfer(from, to, '1.00'), item] }).expect(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', errors: [{ field: 'items[1]' }] });
      const byAdmin = await send(admin, { items: [item] }).expect(202);
      expect(await final(admin, byAdmin.body.id)).toMatchObject({ status: 'COMPLETED' });
      before = await rowCounts(); // the administrator's group is stored and posted: counted from here
    });

    it.each([
      [
        'an amount that is not money',
        { items: [transfer(from, to, '1.00'), transfer(from, to, 'ten')] },
        'items[1].amount',
      ],
      ['an unknown type', { items: [{ type: 'LOAN', amount: '1.00' }] }, 'items[0].type'],
      ['a manual capture', { items: [transfer(from, to, '1.00', { capture: 'manual' })] }, 'items[0]'],
      ['1,001 items', { items: Array.from({ length: 1001 }, () => transfer(from, to, '0.01')) }, 'items'],
      ['no items', { items: [] }, 'items'],
      ['a null item', { items: [transfer(from, to, '1.00'), null] }, 'items[1]'],
      ['an item of type __proto__', { items: [{ type: '__proto__', amount: '1.00' }] }, 'items[0].type'],
      [
        'a bad condition',
        { items: [transfer(from, to, '1.00', { conditions: { toBalanceAtMost: '-1' } })] },
        'items[0].conditions.toBalanceAtMost',
      ],
    ])('refuses %s with 400 naming it', async (_what, body, field) => {
      const res = await send(payer, body).expect(400);
      expect(['VALIDATION_FAILED', 'INVALID_AMOUNT']).toContain(res.body.code);
      expect(res.body.errors.map((e: { field: string }) => e.field).join(' ')).toContain(field);
    });

    it('refuses a deposit item whose externalRef is taken with 409, the whole group', async () => {
      const externalRef = `grp-${randomUUID()}`;
      const item = { type: 'DEPOSIT', accountId: to, amount: '1.00', externalRef };
      const taken = await request(api.url)
        .post('/api/v1/deposits')
        .set(admin.auth)
        .send({ accountId: to, amount: '1.00', externalRef })
        .expect(202);
      await settled(api, admin, taken.body.id);
      before = await rowCounts();
      const res = await send(admin, { items: [{ ...item, externalRef: `grp-${randomUUID()}` }, item] });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'EXTERNAL_REF_REUSED', errors: [{ field: 'items[1]' }] });
    });
  });

  describe('quotes', () => {
    it('quotes a transfer: its terms, its outcome and the balances after, storing nothing', async () => {
      const counts = await rowCounts();
      const balance = await balanceOf(api, payer, from);
      const res = await request(api.url)
        .post('/api/v1/payments/quote')
        .set(payer.auth)
        .set('Idempotency-Key', 'never-consumed')
        .send({ fromAccountId: from, toAccountId: to, amount: '10.00' })
        .expect(200);
      expect(res.body).toMatchObject({
        type: 'TRANSFER',
        amount: '10.00',
        targetAmount: '10.00',
        outcome: 'COMPLETED',
      });
      const after = Number(balance) - 10 - Number(res.body.commission);
      expect(res.body.balances).toEqual([
        { accountId: from, currency: 'USD', balance: after.toFixed(2), available: after.toFixed(2) },
      ]);
      expect(await rowCounts()).toEqual(counts);
      expect(await balanceOf(api, payer, from)).toBe(balance);
      // The key was not consumed: a real payment may use it with another body.
      const real = await request(api.url)
        .post('/api/v1/payments')
        .set(payer.auth)
        .set('Idempotency-Key', 'never-consumed')
        .send({ fromAccountId: from, toAccountId: to, amount: '0.01' })
        .expect(202);
      await settled(api, payer, real.body.id);
    });

    it('quotes a group: the first item that would fail and why, storing nothing', async () => {
      const counts = await rowCounts();
      const balance = await balanceOf(api, payer, from);
      const res = await request(api.url)
        .post('/api/v1/payment-groups/quote')
        .set(payer.auth)
        .send({ items: [transfer(from, to, '1.00'), transfer(from, to, '100000.00'), transfer(from, to, '1.00')] })
        .expect(200);
      expect(res.body).toMatchObject({
        atomic: true,
        itemCount: 3,
        firstFailure: { itemIndex: 1, code: 'INSUFFICIENT_FUNDS' },
      });
      expect(res.body.items.map((i: { failureReason: string | null }) => i.failureReason)).toEqual([
        'GROUP_FAILED',
        'INSUFFICIENT_FUNDS',
        'GROUP_FAILED',
      ]);
      expect(res.body.balances).toEqual([expect.objectContaining({ accountId: from, balance })]);
      expect(await rowCounts()).toEqual(counts);
    });

    it('refuses to quote what the caller could not send', async () => {
      const res = await request(api.url)
        .post('/api/v1/payment-groups/quote')
        .set(payer.auth)
        .send({ items: [transfer(othersAccount, to, '1.00')] })
        .expect(404);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'items[0]' })]);
    });
  });
});
