import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RunningApp } from './support/harness.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { balanceOf, openAccount } from './support/money.js';
import { registerUser, type TestUser } from './support/users.js';

/**
 * Payments across currencies. No worker runs here: the admin sweep posts payments directly, so a
 * test decides exactly when a payment is posted (after a rate change, say).
 */
describe('currency conversion', () => {
  const suite = ledgerSuite({ worker: false });
  let api: RunningApp;
  let admin: TestUser;
  beforeAll(() => ({ api, admin } = suite));

  const setRate = (from: string, to: string, rate: string) =>
    request(api.url).put(`/api/v1/admin/rates/${from}/${to}`).set(admin.auth).send({ rate }).expect(200);
  const postAll = () =>
    request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);
  const payment = async (user: TestUser, id: string) =>
    (await request(api.url).get(`/api/v1/payments/${id}`).set(user.auth).expect(200)).body;

  async function holder(currency: string, deposit?: string) {
    const user = await registerUser(api);
    const account = await openAccount(api, user, currency);
    if (deposit) {
      await request(api.url)
        .post('/api/v1/deposits')
        .set(admin.auth)
        .send({ accountId: account, amount: deposit, externalRef: randomUUID() })
        .expect(202);
      await postAll();
    }
    return { user, account };
  }

  it('pays USD into EUR at the rate in force at POST, through both fx accounts, commission in USD', async () => {
    await setRate('USD', 'EUR', '0.92');
    const alice = await holder('USD', '100.00');
    const bob = await holder('EUR');
    const fxBefore = await request(api.url)
      .get('/api/v1/accounts?type=TECHNICAL&code=fx&sort=currency')
      .set(admin.auth)
      .expect(200);

    const accepted = await request(api.url)
      .post('/api/v1/payments')
      .set(alice.user.auth)
      .send({ fromAccountId: alice.account, toAccountId: bob.account, amount: '10.00' })
      .expect(202);
    expect(accepted.body).toMatchObject({
      amount: '10.00',
      currency: 'USD',
      commission: '0.05',
      targetAmount: '9.20',
      targetCurrency: 'EUR',
      rate: '0.92',
    });
    await setRate('USD', 'EUR', '0.5'); // a new rate does not change an accepted payment
    await postAll();

    const done = await payment(alice.user, accepted.body.id);
    expect(done).toMatchObject({ status: 'COMPLETED', targetAmount: '9.20', rate: '0.92' });
    expect(await balanceOf(api, alice.user, alice.account)).toBe('89.95');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('9.20');
    const legs = await request(api.url)
      .get(`/api/v1/accounts/${alice.account}/operations?paymentId=${accepted.body.id}&sort=amount`)
      .set(alice.user.auth)
      .expect(200);
    expect(legs.body.data.map((o: { type: string; amount: string }) => [o.type, o.amount])).toEqual([
      ['EXCHANGE', '-10.00'],
      ['COMMISSION', '-0.05'],
    ]);
    const fxAfter = await request(api.url)
      .get('/api/v1/accounts?type=TECHNICAL&code=fx&sort=currency')
      .set(admin.auth)
      .expect(200);
    const moved = (
      before: { body: { data: Array<{ currency: string; balance: string }> } },
      after: typeof before,
      currency: string,
    ) =>
      BigInt(after.body.data.find((a) => a.currency === currency)!.balance.replace('.', '')) -
      BigInt(before.body.data.find((a) => a.currency === currency)!.balance.replace('.', ''));
    expect(moved(fxBefore, fxAfter, 'USD')).toBe(1000n);
    expect(moved(fxBefore, fxAfter, 'EUR')).toBe(-920n);
  });

  it.each([
    // from, to, rate, amount, target: half-to-even ties and currencies of different exponents
    ['EUR', 'USD', '0.125', '0.20', '0.02'], // 2.5 cents → 2 (even)
    ['EUR', 'USD', '0.125', '0.12', '0.02'], // 1.5 cents → 2 (even)
    ['USD', 'JPY', '150.25', '1.01', '152'], // 151.7525 yen
    ['USD', 'JPY', '150.5', '0.01', '2'], // 1.505 yen → 2
    ['JPY', 'USD', '0.0066556', '1000', '6.66'], // 6.6556 dollars
    ['JPY', 'USD', '0.005', '1', '0.00'],
  ])('converts %s→%s at %s: %s gives %s', async (from, to, rate, amount, target) => {
    await setRate(from, to, rate);
    const payer = await holder(from, from === 'JPY' ? '100000' : '100.00');
    const payee = await holder(to);
    const res = await request(api.url)
      .post('/api/v1/payments')
      .set(payer.user.auth)
      .send({ fromAccountId: payer.account, toAccountId: payee.account, amount });
    if (target === '0.00') {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_AMOUNT');
      return;
    }
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ targetAmount: target, targetCurrency: to, rate });
    await postAll();
    expect(await balanceOf(api, payee.user, payee.account)).toBe(target);
  });

  it('refuses with 400 INVALID_AMOUNT a transfer whose converted amount would have more than 15 integer digits, and stores nothing', async () => {
    await setRate('USD', 'RUB', '999999999999');
    const payer = await holder('USD', '1005.00');
    const payee = await holder('RUB');
    const transfer = (amount: string) =>
      request(api.url)
        .post('/api/v1/payments')
        .set(payer.user.auth)
        .send({ fromAccountId: payer.account, toAccountId: payee.account, amount });
    for (const amount of ['999999999999999.99', '1000.01']) {
      const refused = await transfer(amount)
        .expect(400)
        .expect('Content-Type', /application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 400, code: 'INVALID_AMOUNT' });
    }
    const list = await request(api.url).get('/api/v1/payments?type=TRANSFER').set(payer.user.auth).expect(200);
    expect(list.body.data).toEqual([]);

    // Fifteen integer digits are still an amount: accepted, and paid in full.
    const accepted = await transfer('1000.00').expect(202);
    expect(accepted.body).toMatchObject({
      targetAmount: '999999999999000.00',
      targetCurrency: 'RUB',
      commission: '5.00',
    });
    await postAll();
    expect(await balanceOf(api, payee.user, payee.account)).toBe('999999999999000.00');
  });

  it('answers 422 RATE_NOT_AVAILABLE when no rate exists in that direction, and creates nothing', async () => {
    await setRate('GBP', 'RUB', '120');
    const payer = await holder('RUB', '1000.00');
    const payee = await holder('GBP');
    const res = await request(api.url)
      .post('/api/v1/payments')
      .set(payer.user.auth)
      .send({ fromAccountId: payer.account, toAccountId: payee.account, amount: '10.00' })
      .expect(422);
    expect(res.body.code).toBe('RATE_NOT_AVAILABLE');
    const list = await request(api.url).get('/api/v1/payments?type=TRANSFER').set(payer.user.auth).expect(200);
    expect(list.body.data).toEqual([]);
  });
});
