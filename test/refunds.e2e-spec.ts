import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RunningApp } from './support/harness.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { balanceOf, deposit, openAccount, type Payment, settled, trialBalance } from './support/money.js';
import { startApiProcess } from './support/processes.js';
import { ADMIN_ENV, registerUser, type TestUser } from './support/users.js';

type Refund = Payment & { parentPaymentId: string | null; refundedAmount: string };

describe('refunds and reversals', () => {
  const suite = ledgerSuite();
  let api: RunningApp;
  let admin: TestUser;
  beforeAll(() => ({ api, admin } = suite));

  const refund = (user: TestUser, paymentId: string, body: object = {}, key?: string, url = api.url) => {
    const req = request(url).post(`/api/v1/payments/${paymentId}/refunds`).set(user.auth);
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const payment = async (user: TestUser, id: string): Promise<Refund> =>
    (await request(api.url).get(`/api/v1/payments/${id}`).set(user.auth).expect(200)).body;
  const operations = async (user: TestUser, account: string, paymentId: string) =>
    (
      await request(api.url)
        .get(`/api/v1/accounts/${account}/operations?paymentId=${paymentId}&sort=amount`)
        .set(user.auth)
        .expect(200)
    ).body.data.map((o: { type: string; amount: string }) => [o.type, o.amount]);

  async function holder(currency = 'USD', funds?: string) {
    const user = await registerUser(api);
    const account = await openAccount(api, user, currency);
    if (funds) await deposit(api, admin, account, funds);
    return { user, account };
  }

  /** Alice pays Bob `amount` (Bob's account in `currency`); the transfer is COMPLETED. */
  async function completedTransfer(amount = '10.00', currency = 'USD') {
    const alice = await holder('USD', '100.00');
    const bob = await holder(currency);
    const res = await request(api.url)
      .post('/api/v1/payments')
      .set(alice.user.auth)
      .send({ fromAccountId: alice.account, toAccountId: bob.account, amount })
      .expect(202);
    const transfer = await settled(api, alice.user, res.body.id);
    expect(transfer.status).toBe('COMPLETED');
    return { alice, bob, transfer };
  }

  it('refunds a whole transfer by its payee: money back to the payer, commission kept, the parent showing what is refunded', async () => {
    const { alice, bob, transfer } = await completedTransfer('10.00');
    expect(await payment(alice.user, transfer.id)).toMatchObject({ refundedAmount: '0.00', parentPaymentId: null });

    const accepted = await refund(bob.user, transfer.id, { reason: 'out of stock' }).expect(202);
    expect(accepted.body).toMatchObject({
      type: 'REFUND',
      status: 'INITIATED',
      parentPaymentId: transfer.id,
      fromAccountId: bob.account,
      toAccountId: alice.account,
      amount: '10.00',
      currency: 'USD',
      commission: '0.00',
      targetAmount: '10.00',
      targetCurrency: 'USD',
      rate: null,
      description: 'out of stock',
      refundedAmount: '0.00',
    });
    expect(await settled(api, bob.user, accepted.body.id)).toMatchObject({ status: 'COMPLETED' });
    expect(await balanceOf(api, alice.user, alice.account)).toBe('99.95');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('0.00');
    expect(await operations(bob.user, bob.account, accepted.body.id)).toEqual([['TRANSFER', '-10.00']]);
    expect(await operations(alice.user, alice.account, accepted.body.id)).toEqual([['TRANSFER', '10.00']]);
    expect(await payment(alice.user, transfer.id)).toMatchObject({ status: 'COMPLETED', refundedAmount: '10.00' });

    const again = await refund(bob.user, transfer.id).expect(422);
    expect(again.body.code).toBe('REFUND_EXCEEDS_PAYMENT');
    const metrics = await request(api.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/billing_payments_total\{type="REFUND",status="INITIATED"\} [1-9]/);
  });

  it('refunds in part, by the payee and by an administrator, up to what is left (422 REFUND_EXCEEDS_PAYMENT beyond it)', async () => {
    const { alice, bob, transfer } = await completedTransfer('10.00');
    const first = await refund(bob.user, transfer.id, { amount: '2.5' }).expect(202);
    const second = await refund(admin, transfer.id, { amount: '7.00' }).expect(202);
    expect(second.body).toMatchObject({ amount: '7.00', fromAccountId: bob.account, toAccountId: alice.account });
    // Pending refunds count: only 0.50 is left while they are being posted.
    expect((await payment(bob.user, transfer.id)).refundedAmount).toBe('9.50');
    const over = await refund(bob.user, transfer.id, { amount: '0.51' }).expect(422);
    expect(over.body).toMatchObject({ code: 'REFUND_EXCEEDS_PAYMENT', detail: 'only 0.50 USD is left to refund' });
    await Promise.all([settled(api, bob.user, first.body.id), settled(api, bob.user, second.body.id)]);
    expect(await balanceOf(api, alice.user, alice.account)).toBe('99.45');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('0.50');

    const rest = await refund(bob.user, transfer.id).expect(202);
    expect(rest.body.amount).toBe('0.50');
    await settled(api, bob.user, rest.body.id);
    expect(await payment(alice.user, transfer.id)).toMatchObject({ refundedAmount: '10.00' });
  });

  it("lists a payment's refunds with ?parentPaymentId= for either party, filterable and sortable like every field", async () => {
    const { alice, bob, transfer } = await completedTransfer('10.00');
    const ids: string[] = [];
    for (const amount of ['1.00', '2.00', '3.00'])
      ids.push((await refund(bob.user, transfer.id, { amount }).expect(202)).body.id);
    for (const id of ids) await settled(api, bob.user, id);
    for (const who of [alice.user, bob.user, admin]) {
      const list = await request(api.url)
        .get(`/api/v1/payments?parentPaymentId=${transfer.id}&sort=amount`)
        .set(who.auth)
        .expect(200);
      expect(list.body.data.map((p: Refund) => [p.id, p.type, p.amount])).toEqual([
        [ids[0], 'REFUND', '1.00'],
        [ids[1], 'REFUND', '2.00'],
        [ids[2], 'REFUND', '3.00'],
      ]);
    }
    const page = await request(api.url)
      .get(`/api/v1/payments?parentPaymentId=${transfer.id}&sort=-createdAt&limit=2`)
      .set(alice.user.auth)
      .expect(200);
    const next = await request(api.url)
      .get(`/api/v1/payments?parentPaymentId=${transfer.id}&sort=-createdAt&limit=2&cursor=${page.body.nextCursor}`)
      .set(alice.user.auth)
      .expect(200);
    expect([...page.body.data, ...next.body.data].map((p: Refund) => p.id)).toEqual([...ids].reverse());
    const refunded = await request(api.url)
      .get(`/api/v1/payments?refundedAmount[gte]=6&sort=-refundedAmount&id=${transfer.id}`)
      .set(alice.user.auth)
      .expect(200);
    expect(refunded.body.data.map((p: Refund) => [p.id, p.refundedAmount])).toEqual([[transfer.id, '6.00']]);
    const notRefunds = await request(api.url)
      .get('/api/v1/payments?parentPaymentId=null&type=REFUND')
      .set(bob.user.auth)
      .expect(200);
    expect(notRefunds.body.data).toEqual([]);
    expect(
      (await request(api.url).get('/api/v1/payments?parentPaymentId=nope').set(bob.user.auth).expect(400)).body.code,
    ).toBe('INVALID_QUERY');
    expect(
      (await request(api.url).get('/api/v1/payments?type=CHARGEBACK').set(bob.user.auth).expect(400)).body.code,
    ).toBe('INVALID_QUERY');
  });

  it('refuses the payer, who may see the transfer, with 403 FORBIDDEN, and hides it from a stranger with 404', async () => {
    const { alice, bob, transfer } = await completedTransfer('1.00');
    expect((await refund(alice.user, transfer.id).expect(403)).body.code).toBe('FORBIDDEN');
    const stranger = await registerUser(api);
    expect((await refund(stranger, transfer.id).expect(404)).body.code).toBe('NOT_FOUND');
    expect((await refund(bob.user, randomUUID()).expect(404)).body.code).toBe('NOT_FOUND');
    expect((await refund(bob.user, 'not-a-uuid').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await payment(alice.user, transfer.id)).refundedAmount).toBe('0.00');
  });

  it('refuses a payment that is not COMPLETED, and a refund of a refund, with 409 PAYMENT_NOT_REFUNDABLE', async () => {
    const poor = await holder('USD', '1.00');
    const bob = await holder();
    const failed = await request(api.url)
      .post('/api/v1/payments')
      .set(poor.user.auth)
      .send({ fromAccountId: poor.account, toAccountId: bob.account, amount: '5.00' })
      .expect(202);
    expect(await settled(api, poor.user, failed.body.id)).toMatchObject({ status: 'FAILED' });
    expect((await refund(bob.user, failed.body.id).expect(409)).body.code).toBe('PAYMENT_NOT_REFUNDABLE');

    const { alice, bob: payee, transfer } = await completedTransfer('1.00');
    const accepted = await refund(payee.user, transfer.id).expect(202);
    await settled(api, payee.user, accepted.body.id);
    expect((await refund(admin, accepted.body.id).expect(409)).body.code).toBe('PAYMENT_NOT_REFUNDABLE');
    expect((await refund(alice.user, accepted.body.id).expect(409)).body.code).toBe('PAYMENT_NOT_REFUNDABLE');
  });

  it.each([
    ['too many decimals', '1.001'],
    ['null', null],
    ['a JSON number', 1],
    ['zero', '0'],
    ['negative', '-1.00'],
  ])('refuses a refund amount given as %s with 400 INVALID_AMOUNT and refunds nothing', async (_name, amount) => {
    const { bob, transfer } = await completedTransfer('1.00');
    expect((await refund(bob.user, transfer.id, { amount }).expect(400)).body.code).toBe('INVALID_AMOUNT');
    expect((await payment(bob.user, transfer.id)).refundedAmount).toBe('0.00');
  });

  it("takes the amount in the parent's target currency and validates the reason", async () => {
    await request(api.url).put('/api/v1/admin/rates/USD/JPY').set(admin.auth).send({ rate: '150' }).expect(200);
    const { bob, transfer } = await completedTransfer('1.00', 'JPY');
    expect(transfer).toMatchObject({ targetAmount: '150', targetCurrency: 'JPY' });
    expect((await refund(bob.user, transfer.id, { amount: '1.50' }).expect(400)).body.code).toBe('INVALID_AMOUNT');
    expect((await refund(bob.user, transfer.id, { reason: '' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await refund(bob.user, transfer.id, { reason: 'r'.repeat(256) }).expect(400)).body.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await refund(bob.user, transfer.id, { amount: '1', status: 'COMPLETED' }).expect(400)).body.code).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      (await refund(bob.user, transfer.id, { amount: '150', reason: 'r'.repeat(255) }).expect(202)).body,
    ).toMatchObject({ amount: '150', currency: 'JPY' });
  });

  it('accepts exactly as many of 20 concurrent partial refunds as fit in the payment, the rest 422, and never refunds more', async () => {
    const { alice, bob, transfer } = await completedTransfer('10.00');
    // 0.75 each: 13 fit in 10.00 (9.75), 7 do not.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refund(bob.user, transfer.id, { amount: '0.75' })),
    );
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(13);
    expect(answers.filter((a) => a.status === 422).every((a) => a.body.code === 'REFUND_EXCEEDS_PAYMENT')).toBe(true);
    expect(answers.filter((a) => a.status === 422)).toHaveLength(7);
    const finals = await Promise.all(accepted.map((a) => settled(api, bob.user, a.body.id)));
    expect(finals.every((p) => p.status === 'COMPLETED')).toBe(true);
    expect(await payment(alice.user, transfer.id)).toMatchObject({ refundedAmount: '9.75' });
    expect(await balanceOf(api, bob.user, bob.account)).toBe('0.25');
    expect(await balanceOf(api, alice.user, alice.account)).toBe('99.70');
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true });
  });

  it('lets a refund the payee can no longer afford fail INSUFFICIENT_FUNDS, after which its amount is refundable again', async () => {
    const { alice, bob, transfer } = await completedTransfer('10.00');
    const carol = await holder();
    const spent = await request(api.url)
      .post('/api/v1/payments')
      .set(bob.user.auth)
      .send({ fromAccountId: bob.account, toAccountId: carol.account, amount: '9.00' })
      .expect(202);
    await settled(api, bob.user, spent.body.id); // 0.96 left (commission 0.045 → 0.04)

    const unaffordable = await refund(bob.user, transfer.id, { amount: '5.00' }).expect(202);
    expect(await settled(api, bob.user, unaffordable.body.id)).toMatchObject({
      status: 'FAILED',
      failureReason: 'INSUFFICIENT_FUNDS',
    });
    expect(await payment(alice.user, transfer.id)).toMatchObject({ refundedAmount: '0.00' });
    expect(await balanceOf(api, alice.user, alice.account)).toBe('89.95');

    await deposit(api, admin, bob.account, '20.00');
    const whole = await refund(bob.user, transfer.id).expect(202);
    expect(whole.body.amount).toBe('10.00');
    expect(await settled(api, bob.user, whole.body.id)).toMatchObject({ status: 'COMPLETED' });
    expect(await balanceOf(api, alice.user, alice.account)).toBe('99.95');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('10.96'); // 20.96 less the 10.00 refunded
  });

  it("converts back across currencies: half-even shares of the parent's amount, exactly its amount for the whole target", async () => {
    await request(api.url).put('/api/v1/admin/rates/USD/EUR').set(admin.auth).send({ rate: '0.92' }).expect(200);
    const { alice, bob, transfer } = await completedTransfer('10.00', 'EUR');
    expect(transfer).toMatchObject({ targetAmount: '9.20', targetCurrency: 'EUR', rate: '0.92' });
    await request(api.url).put('/api/v1/admin/rates/EUR/USD').set(admin.auth).send({ rate: '2' }).expect(200); // no rate in force applies to a refund

    const first = await refund(bob.user, transfer.id, { amount: '1.00' }).expect(202);
    // 1.00 × 10.00 / 9.20 = 1.0869… → 1.09 USD.
    expect(first.body).toMatchObject({
      amount: '1.00',
      currency: 'EUR',
      targetAmount: '1.09',
      targetCurrency: 'USD',
      rate: null,
    });
    await settled(api, bob.user, first.body.id);
    expect(await operations(bob.user, bob.account, first.body.id)).toEqual([['EXCHANGE', '-1.00']]);
    expect(await operations(alice.user, alice.account, first.body.id)).toEqual([['EXCHANGE', '1.09']]);

    // 2.00 refunded in all is worth 2.1739… → 2.17 USD, so the second gets 1.08.
    const second = await refund(bob.user, transfer.id, { amount: '1.00' }).expect(202);
    expect(second.body).toMatchObject({ targetAmount: '1.08' });
    const rest = await refund(bob.user, transfer.id).expect(202);
    expect(rest.body).toMatchObject({ amount: '7.20', targetAmount: '7.83' });
    await Promise.all([settled(api, bob.user, second.body.id), settled(api, bob.user, rest.body.id)]);
    expect(await balanceOf(api, alice.user, alice.account)).toBe('99.95');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('0.00');
    expect(await payment(alice.user, transfer.id)).toMatchObject({ refundedAmount: '9.20' });
  });

  it('reverses a deposit (user → external:bank) and returns a withdrawal (external:wallet → user), by an administrator only', async () => {
    const { user, account } = await holder();
    const booked = await deposit(api, admin, account, '30.00');
    expect((await refund(user, booked.id).expect(403)).body.code).toBe('FORBIDDEN');
    const technical = async (code: string) =>
      (
        await request(api.url)
          .get(`/api/v1/accounts?type=TECHNICAL&code=${code}&currency=USD`)
          .set(admin.auth)
          .expect(200)
      ).body.data[0].id as string;
    const bank = await technical('external:bank');
    const wallet = await technical('external:wallet');

    const reversal = await refund(admin, booked.id, { amount: '10.00', reason: 'bank recalled the transfer' }).expect(
      202,
    );
    expect(reversal.body).toMatchObject({
      type: 'REFUND',
      fromAccountId: account,
      toAccountId: bank,
      amount: '10.00',
      commission: '0.00',
    });
    await settled(api, admin, reversal.body.id);
    expect(await balanceOf(api, user, account)).toBe('20.00');

    const withdrawal = await request(api.url)
      .post('/api/v1/withdrawals')
      .set(user.auth)
      .send({ accountId: account, amount: '10.00', destination: 'wallet-7' })
      .expect(202);
    await settled(api, user, withdrawal.body.id);
    expect(await balanceOf(api, user, account)).toBe('9.50');
    expect((await refund(user, withdrawal.body.id).expect(403)).body.code).toBe('FORBIDDEN');
    const returned = await refund(admin, withdrawal.body.id).expect(202);
    expect(returned.body).toMatchObject({ fromAccountId: wallet, toAccountId: account, amount: '10.00' });
    expect(await settled(api, admin, returned.body.id)).toMatchObject({ status: 'COMPLETED' });
    // The withdrawal's commission is not returned.
    expect(await balanceOf(api, user, account)).toBe('19.50');
    const mine = await request(api.url).get('/api/v1/payments?type=REFUND&sort=createdAt').set(user.auth).expect(200);
    expect(mine.body.data.map((p: Refund) => p.parentPaymentId)).toEqual([booked.id, withdrawal.body.id]);
  });

  it("charges the REFUND commission of COMMISSION_SCHEDULE to the refunder, in the refund's currency", async () => {
    const charging = await startApiProcess({
      ...ADMIN_ENV,
      QUEUE_PREFIX: api.config.queuePrefix,
      COMMISSION_SCHEDULE: '{"REFUND":{"bps":250,"min":11}}',
    });
    try {
      const { alice, bob, transfer } = await completedTransfer('10.00');
      const small = await refund(bob.user, transfer.id, { amount: '5.00' }, undefined, charging.url).expect(202);
      expect(small.body).toMatchObject({ amount: '5.00', commission: '0.12' }); // 2.5 % of 5.00 is 12.5 cents: half to even
      const large = await refund(bob.user, transfer.id, { amount: '4.00' }, undefined, charging.url).expect(202);
      expect(large.body).toMatchObject({ commission: '0.11' }); // 0.10 is under the minimum
      await Promise.all([settled(api, bob.user, small.body.id), settled(api, bob.user, large.body.id)]);
      expect(await balanceOf(api, bob.user, bob.account)).toBe('0.77');
      expect(await balanceOf(api, alice.user, alice.account)).toBe('98.95');
      expect(await operations(bob.user, bob.account, small.body.id)).toEqual([
        ['TRANSFER', '-5.00'],
        ['COMMISSION', '-0.12'],
      ]);
    } finally {
      await charging.stop();
    }
  });

  it('answers a replayed Idempotency-Key with the same refund (200), another body with 409, and 10 racing repeats with one refund', async () => {
    const { alice, bob, transfer } = await completedTransfer('10.00');
    const key = `refund-${randomUUID()}`;
    const first = await refund(bob.user, transfer.id, { amount: '3.00', reason: 'late' }, key).expect(202);
    await settled(api, bob.user, first.body.id);
    const replay = await refund(bob.user, transfer.id, { amount: '3.0', reason: 'late' }, key).expect(200);
    expect(replay.body).toMatchObject({ id: first.body.id, status: 'COMPLETED' });
    expect((await refund(bob.user, transfer.id, { amount: '4.00', reason: 'late' }, key).expect(409)).body.code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect((await refund(bob.user, transfer.id, {}, key).expect(409)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await refund(bob.user, transfer.id, {}, '').expect(400)).body.code).toBe('INVALID_IDEMPOTENCY_KEY');

    // The remainder (7.00) refunded by 10 racers with one key: one refund, the others its replays.
    const raceKey = `refund-${randomUUID()}`;
    const raced = await Promise.all(Array.from({ length: 10 }, () => refund(bob.user, transfer.id, {}, raceKey)));
    expect(raced.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    expect(new Set(raced.map((r) => r.body.id)).size).toBe(1);
    expect(raced[0].body.amount).toBe('7.00');
    await settled(api, bob.user, raced[0].body.id);
    // A replay after all is refunded still answers the refund, not 422.
    expect((await refund(bob.user, transfer.id, {}, raceKey).expect(200)).body.id).toBe(raced[0].body.id);
    expect(await balanceOf(api, alice.user, alice.account)).toBe('99.95');
    expect(await payment(alice.user, transfer.id)).toMatchObject({ refundedAmount: '10.00' });
  });
});
