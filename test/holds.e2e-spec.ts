import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { RunningApp } from './support/harness.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { deposit, lapseHold, openAccount, settled, trialBalance, type Payment } from './support/money.js';
import { registerUser, type TestUser } from './support/users.js';

const HOLD_TTL_MS = 3_600_000;

const cents = (amount: string) => BigInt(amount.replace('.', ''));
const usd = (minor: bigint) => `${minor / 100n}.${(minor % 100n).toString().padStart(2, '0')}`;

interface Account {
  balance: string;
  heldBalance: string;
  availableBalance: string;
}

/** Authorize now, capture (or void) later: two-phase transfers, and the ledger's invariants around them. */
describe('holds: manual capture, capture, void and expiry', () => {
  const suite = ledgerSuite({ worker: { HOLD_TTL_MS: String(HOLD_TTL_MS) } });
  let api: RunningApp;
  let admin: TestUser;
  let db: DataSource;
  beforeAll(() => ({ api, admin, db } = suite));

  const account = async (user: TestUser, id: string): Promise<Account> =>
    (await request(api.url).get(`/api/v1/accounts/${id}`).set(user.auth).expect(200)).body;
  const operationCount = async (paymentId: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM operations WHERE payment_id = $1`, [paymentId]))[0].n as number;
  const capture = (user: TestUser, id: string, body: object = {}, key?: string) => {
    const req = request(api.url).post(`/api/v1/payments/${id}/capture`).set(user.auth);
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const voidHold = (user: TestUser, id: string) => request(api.url).post(`/api/v1/payments/${id}/void`).set(user.auth);
  const sweep = async () =>
    (await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({}).expect(200)).body;

  async function parties(funds = '100.00', payeeCurrency = 'USD') {
    const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
    const [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee, payeeCurrency)]);
    await deposit(api, admin, from, funds);
    return { payer, payee, from, to };
  }

  /** A manual-capture transfer, waited for until the worker has authorized (or failed) it. */
  async function authorize(p: { payer: TestUser; from: string; to: string }, amount: string): Promise<Payment> {
    const res = await request(api.url)
      .post('/api/v1/payments')
      .set(p.payer.auth)
      .send({ fromAccountId: p.from, toAccountId: p.to, amount, capture: 'manual' })
      .expect(202);
    expect(res.body).toMatchObject({ status: 'INITIATED', capture: 'manual', authorizedAmount: null, expiresAt: null });
    return settled(api, p.payer, res.body.id);
  }

  describe('authorizing', () => {
    it("holds amount and commission on the payer's account for HOLD_TTL_MS, posting nothing yet", async () => {
      const p = await parties('100.00');
      const before = Date.now();
      const held = await authorize(p, '20.00');
      expect(held).toMatchObject({
        status: 'AUTHORIZED',
        amount: '20.00',
        commission: '0.10',
        authorizedAmount: '20.00',
        processedAt: null,
        failureReason: null,
      });
      const expiresIn = Date.parse(held.expiresAt as string) - before;
      expect(expiresIn).toBeGreaterThan(HOLD_TTL_MS - 60_000);
      expect(expiresIn).toBeLessThan(HOLD_TTL_MS + 60_000);
      expect(await account(p.payer, p.from)).toMatchObject({
        balance: '100.00',
        heldBalance: '20.10',
        availableBalance: '79.90',
      });
      expect(await account(p.payee, p.to)).toMatchObject({
        balance: '0.00',
        heldBalance: '0.00',
        availableBalance: '0.00',
      });
      expect(await operationCount(held.id)).toBe(0);
      const listed = await request(api.url)
        .get(`/api/v1/payments?status=AUTHORIZED&capture=manual&id=${held.id}`)
        .set(p.payer.auth)
        .expect(200);
      expect(listed.body.data.map((x: Payment) => x.id)).toEqual([held.id]);
    });

    it('fails INSUFFICIENT_FUNDS when the available balance cannot cover amount and commission', async () => {
      const p = await parties('10.00');
      expect(await authorize(p, '10.00')).toMatchObject({
        status: 'FAILED',
        failureReason: 'INSUFFICIENT_FUNDS',
        authorizedAmount: null,
        expiresAt: null,
      });
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '10.00', heldBalance: '0.00' });
    });

    it('checks every later payment against the available balance: what is held cannot be spent twice', async () => {
      const p = await parties('10.00');
      expect((await authorize(p, '6.00')).status).toBe('AUTHORIZED');
      expect(await authorize(p, '4.00')).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' }); // 4.00 + 0.02 > 3.97 left
      const automatic = await request(api.url)
        .post('/api/v1/payments')
        .set(p.payer.auth)
        .send({ fromAccountId: p.from, toAccountId: p.to, amount: '4.00' })
        .expect(202);
      expect(await settled(api, p.payer, automatic.body.id)).toMatchObject({
        status: 'FAILED',
        failureReason: 'INSUFFICIENT_FUNDS',
      });
      const withdrawal = await request(api.url)
        .post('/api/v1/withdrawals')
        .set(p.payer.auth)
        .send({ accountId: p.from, amount: '3.50', destination: 'wallet-1' })
        .expect(202);
      expect(await settled(api, p.payer, withdrawal.body.id)).toMatchObject({
        status: 'FAILED',
        failureReason: 'INSUFFICIENT_FUNDS',
      }); // 3.50 + 0.50
      expect(await account(p.payer, p.from)).toMatchObject({
        balance: '10.00',
        heldBalance: '6.03',
        availableBalance: '3.97',
      });
    });

    it('refuses an unknown capture method with 400 VALIDATION_FAILED', async () => {
      const p = await parties('1.00');
      const res = await request(api.url)
        .post('/api/v1/payments')
        .set(p.payer.auth)
        .send({ fromAccountId: p.from, toAccountId: p.to, amount: '1.00', capture: 'later' });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('lets the database refuse a user account whose holds exceed its balance', async () => {
      const p = await parties('1.00');
      await expect(db.query(`UPDATE accounts SET held_balance = balance + 1 WHERE id = $1`, [p.from])).rejects.toThrow(
        /accounts_user_available_not_negative/,
      );
    });
  });

  describe('capturing', () => {
    it('moves all of the hold when no amount is given: COMPLETED, the payee paid, the hold gone', async () => {
      const p = await parties('100.00');
      const held = await authorize(p, '20.00');
      const res = await capture(p.payee, held.id).expect(200);
      expect(res.body).toMatchObject({
        id: held.id,
        status: 'COMPLETED',
        amount: '20.00',
        commission: '0.10',
        targetAmount: '20.00',
        authorizedAmount: '20.00',
      });
      expect(res.body.processedAt).toEqual(expect.stringMatching(/\.\d{3}Z$/));
      expect(await account(p.payer, p.from)).toMatchObject({
        balance: '79.90',
        heldBalance: '0.00',
        availableBalance: '79.90',
      });
      expect(await account(p.payee, p.to)).toMatchObject({ balance: '20.00' });
      expect(await operationCount(held.id)).toBe(4);
      expect((await request(api.url).get(`/api/v1/payments/${held.id}`).set(p.payer.auth).expect(200)).body).toEqual(
        res.body,
      );
    });

    it('captures part of the hold with the commission recomputed on it, and releases the rest', async () => {
      const p = await parties('100.00');
      const held = await authorize(p, '50.00'); // holds 50.25
      const res = await capture(p.payee, held.id, { amount: '10' }).expect(200);
      expect(res.body).toMatchObject({
        status: 'COMPLETED',
        amount: '10.00',
        commission: '0.05',
        targetAmount: '10.00',
        authorizedAmount: '50.00',
      });
      expect(await account(p.payer, p.from)).toMatchObject({
        balance: '89.95',
        heldBalance: '0.00',
        availableBalance: '89.95',
      });
      expect(await account(p.payee, p.to)).toMatchObject({ balance: '10.00' });
    });

    it('lets an administrator capture; the payer gets 403 FORBIDDEN and a stranger 404 NOT_FOUND', async () => {
      const p = await parties('10.00');
      const held = await authorize(p, '5.00');
      const stranger = await registerUser(api);
      const [asPayer, asStranger] = await Promise.all([capture(p.payer, held.id), capture(stranger, held.id)]);
      expect([asPayer.status, asPayer.body.code, asStranger.status, asStranger.body.code]).toEqual([
        403,
        'FORBIDDEN',
        404,
        'NOT_FOUND',
      ]);
      expect((await voidHold(p.payer, held.id)).body.code).toBe('FORBIDDEN');
      expect((await capture(admin, held.id).expect(200)).body.status).toBe('COMPLETED');
    });

    it('refuses a payee whose e-mail is unconfirmed with 403 EMAIL_NOT_CONFIRMED, as a refund does, holding on; a void moves nothing and is let through', async () => {
      const payer = await registerUser(api);
      const payee = await registerUser(api, { confirmed: false });
      const [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee)]);
      await deposit(api, admin, from, '10.00');
      const [held, other] = [
        await authorize({ payer, from, to }, '5.00'),
        await authorize({ payer, from, to }, '1.00'),
      ];
      const res = await capture(payee, held.id);
      expect([res.status, res.body.code]).toEqual([403, 'EMAIL_NOT_CONFIRMED']);
      expect((await request(api.url).get(`/api/v1/payments/${held.id}`).set(payer.auth).expect(200)).body.status).toBe(
        'AUTHORIZED',
      );
      expect(await account(payer, from)).toMatchObject({ balance: '10.00', heldBalance: '6.03' });
      expect((await voidHold(payee, other.id).expect(200)).body.status).toBe('VOIDED');
    });

    it('refuses more than authorized with 422 CAPTURE_EXCEEDS_AUTHORIZED and a malformed amount with 400, holding on', async () => {
      const p = await parties('10.00');
      const held = await authorize(p, '5.00');
      const over = await capture(p.payee, held.id, { amount: '5.01' });
      expect([over.status, over.body.code]).toEqual([422, 'CAPTURE_EXCEEDS_AUTHORIZED']);
      for (const amount of ['0', '-1', '1.001', 5])
        expect((await capture(p.payee, held.id, { amount })).body.code).toBe('INVALID_AMOUNT');
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '10.00', heldBalance: '5.02' }); // 0.025 commission, half-even
      expect(
        (await request(api.url).get(`/api/v1/payments/${held.id}`).set(p.payer.auth).expect(200)).body.status,
      ).toBe('AUTHORIZED');
    });

    it('refuses a payment that is not AUTHORIZED with 409 PAYMENT_NOT_AUTHORIZED: automatic, captured, voided, failed', async () => {
      const p = await parties('20.00');
      const automatic = await request(api.url)
        .post('/api/v1/payments')
        .set(p.payer.auth)
        .send({ fromAccountId: p.from, toAccountId: p.to, amount: '1.00' })
        .expect(202);
      await settled(api, p.payer, automatic.body.id);
      const captured = await authorize(p, '1.00');
      await capture(p.payee, captured.id).expect(200);
      const voided = await authorize(p, '1.00');
      await voidHold(p.payee, voided.id).expect(200);
      const failed = await authorize(p, '100.00');
      for (const id of [automatic.body.id, captured.id, voided.id, failed.id]) {
        for (const res of [await capture(p.payee, id), await voidHold(p.payee, id)])
          expect([id, res.status, res.body.code]).toEqual([id, 409, 'PAYMENT_NOT_AUTHORIZED']);
      }
      expect((await capture(p.payee, randomUUID())).status).toBe(404);
    });

    it('converts a capture at the rate fixed when the payment was made, whatever the rate is now', async () => {
      await request(api.url).put('/api/v1/admin/rates/USD/EUR').set(admin.auth).send({ rate: '0.5' }).expect(200);
      const p = await parties('100.00', 'EUR');
      const held = await authorize(p, '40.00');
      expect(held).toMatchObject({ rate: '0.5', targetAmount: '20.00', targetCurrency: 'EUR' });
      await request(api.url).put('/api/v1/admin/rates/USD/EUR').set(admin.auth).send({ rate: '0.9' }).expect(200);
      const res = await capture(p.payee, held.id, { amount: '10.01' }).expect(200);
      expect(res.body).toMatchObject({
        status: 'COMPLETED',
        amount: '10.01',
        commission: '0.05',
        targetAmount: '5.00',
        rate: '0.5',
      }); // 5.005 half-even
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '89.94', heldBalance: '0.00' });
      expect(await account(p.payee, p.to)).toMatchObject({ balance: '5.00' });
      expect(await trialBalance(api, admin)).toMatchObject({ balanced: true });
    });

    it('answers a repeat with the same Idempotency-Key with the payment as it stands, and another body with 409', async () => {
      const p = await parties('10.00');
      const held = await authorize(p, '5.00');
      const key = `capture-${randomUUID()}`;
      const first = await capture(p.payee, held.id, { amount: '2.00' }, key).expect(200);
      const again = await capture(p.payee, held.id, { amount: '2.0' }, key).expect(200);
      expect(again.body).toEqual(first.body);
      const other = await capture(p.payee, held.id, { amount: '3.00' }, key);
      expect([other.status, other.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '7.99', heldBalance: '0.00' });
    });
  });

  describe('voiding and expiry', () => {
    it('voids: VOIDED, nothing posted, the whole hold released', async () => {
      const p = await parties('10.00');
      const held = await authorize(p, '5.00');
      const res = await voidHold(p.payee, held.id).expect(200);
      expect(res.body).toMatchObject({ status: 'VOIDED', processedAt: expect.any(String), amount: '5.00' });
      expect(await account(p.payer, p.from)).toMatchObject({
        balance: '10.00',
        heldBalance: '0.00',
        availableBalance: '10.00',
      });
      expect(await operationCount(held.id)).toBe(0);
    });

    it('refuses a capture or a void past expiresAt with 409 AUTHORIZATION_EXPIRED, and the sweeper ends it EXPIRED', async () => {
      const p = await parties('10.00');
      const held = await authorize(p, '5.00');
      const live = await authorize(p, '1.00');
      await lapseHold(db, held.id);
      for (const res of [await capture(p.payee, held.id), await voidHold(p.payee, held.id)])
        expect([res.status, res.body.code]).toEqual([409, 'AUTHORIZATION_EXPIRED']);
      expect(await sweep()).toMatchObject({ expired: 1 });
      const expired = (await request(api.url).get(`/api/v1/payments/${held.id}`).set(p.payer.auth).expect(200)).body;
      expect(expired).toMatchObject({ status: 'EXPIRED', processedAt: expect.any(String) });
      expect((await capture(p.payee, held.id)).body.code).toBe('AUTHORIZATION_EXPIRED');
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '10.00', heldBalance: '1.01' });
      expect(
        (await request(api.url).get(`/api/v1/payments/${live.id}`).set(p.payer.auth).expect(200)).body.status,
      ).toBe('AUTHORIZED');
    });
  });

  describe('races: exactly one settlement wins', () => {
    it('capture against void, many holds at once: each ends COMPLETED or VOIDED, and the loser gets 409', async () => {
      const p = await parties('200.00');
      const holds = await Promise.all(Array.from({ length: 12 }, () => authorize(p, '10.00')));
      const results = await Promise.all(
        holds.map((h, i) =>
          Promise.all(
            i % 2 ? [capture(p.payee, h.id), voidHold(admin, h.id)] : [voidHold(admin, h.id), capture(p.payee, h.id)],
          ),
        ),
      );
      let captured = 0;
      for (const pair of results) {
        const winners = pair.filter((r) => r.status === 200);
        expect(winners).toHaveLength(1);
        expect(pair.find((r) => r.status !== 200)?.body.code).toBe('PAYMENT_NOT_AUTHORIZED');
        if (winners[0].body.status === 'COMPLETED') captured++;
      }
      expect(await account(p.payer, p.from)).toMatchObject({
        balance: usd(20_000n - BigInt(captured) * 1005n),
        heldBalance: '0.00',
      });
      for (const h of holds)
        expect(await operationCount(h.id)).toBe(
          (await request(api.url).get(`/api/v1/payments/${h.id}`).set(p.payer.auth)).body.status === 'COMPLETED'
            ? 4
            : 0,
        );
    });

    it('concurrent partial captures of one hold: exactly one captures, the others get 409', async () => {
      const p = await parties('100.00');
      const held = await authorize(p, '50.00');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => capture(p.payee, held.id, { amount: `${i + 1}.00` })),
      );
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'PAYMENT_NOT_AUTHORIZED')).toBe(true);
      const { amount, commission } = winners[0].body as Payment;
      expect(await account(p.payee, p.to)).toMatchObject({ balance: amount });
      expect(await account(p.payer, p.from)).toMatchObject({
        heldBalance: '0.00',
        balance: usd(10_000n - cents(amount) - cents(commission)),
      });
    });

    it('racing captures with one Idempotency-Key: all answer 200 with the same payment, captured once', async () => {
      const p = await parties('10.00');
      const held = await authorize(p, '5.00');
      const key = `race-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 10 }, () => capture(p.payee, held.id, { amount: '1.00' }, key)),
      );
      expect(results.map((r) => [r.status, r.body.status, r.body.amount])).toEqual(
        Array.from({ length: 10 }, () => [200, 'COMPLETED', '1.00']),
      );
      expect(await operationCount(held.id)).toBe(4);
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '8.99', heldBalance: '0.00' });
    });

    it('many captures of different holds at once each complete, sharing transactions, with every balance exact', async () => {
      const p = await parties('500.00');
      const holds = await Promise.all(Array.from({ length: 30 }, () => authorize(p, '10.00')));
      const results = await Promise.all(
        holds.map((h, i) => capture(i % 3 ? p.payee : admin, h.id, i % 2 ? { amount: '4.00' } : {})),
      );
      expect(results.every((r) => r.status === 200 && r.body.status === 'COMPLETED')).toBe(true);
      const moved = results.reduce((sum, r) => sum + cents(r.body.amount) + cents(r.body.commission), 0n);
      expect(await account(p.payer, p.from)).toMatchObject({ balance: usd(50_000n - moved), heldBalance: '0.00' });
      expect(await account(p.payee, p.to)).toMatchObject({
        balance: usd(results.reduce((sum, r) => sum + cents(r.body.amount), 0n)),
      });
    });

    it('expiry racing captures and voids: every hold settles once, and the ledger stays balanced', async () => {
      const p = await parties('300.00');
      const holds = await Promise.all(Array.from({ length: 20 }, () => authorize(p, '5.00')));
      await Promise.all(holds.map((h) => lapseHold(db, h.id)));
      // Lapsed holds: captures and voids are refused while the sweeper expires them.
      const [swept, ...answers] = await Promise.all([
        sweep(),
        ...holds.map((h, i) => (i % 2 ? capture(p.payee, h.id) : voidHold(p.payee, h.id))),
      ]);
      expect(answers.every((r) => r.status === 409)).toBe(true);
      expect(swept.expired + (await sweep()).expired).toBe(20);
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '300.00', heldBalance: '0.00' });
      expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
    });
  });

  it('makes the trial balance report an account whose held balance is not the sum of its live holds', async () => {
    const p = await parties('10.00');
    await authorize(p, '5.00');
    await db.query(`UPDATE accounts SET held_balance = held_balance - 1 WHERE id = $1`, [p.from]);
    try {
      const check = await trialBalance(api, admin);
      expect(check.balanced).toBe(false);
      expect(check.mismatchedAccounts).toEqual([
        { accountId: p.from, balance: '10.00', operationsSum: '10.00', heldBalance: '5.01', liveHolds: '5.02' },
      ]);
    } finally {
      await db.query(`UPDATE accounts SET held_balance = held_balance + 1 WHERE id = $1`, [p.from]);
    }
  });
});
