import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { io } from 'socket.io-client';
import type { DataSource } from 'typeorm';
import { useRedisIoAdapter } from '#events';
import type { RunningApp } from './support/harness.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { deposit, openAccount, settled, type Payment } from './support/money.js';
import { registerUser, type TestUser } from './support/users.js';

const cents = (amount: string) => BigInt(amount.replace('.', ''));

/** Frozen and closed accounts: what they refuse, what still settles, and that no debit slips past a freeze. */
describe('frozen and closed accounts', () => {
  const suite = ledgerSuite({ beforeListen: useRedisIoAdapter });
  let api: RunningApp;
  let admin: TestUser;
  let db: DataSource;
  beforeAll(() => ({ api, admin, db } = suite));

  const account = async (user: TestUser, id: string) =>
    (await request(api.url).get(`/api/v1/accounts/${id}`).set(user.auth).expect(200)).body;
  const freeze = (id: string, mode: string, reason = 'investigation', user = admin) =>
    request(api.url).post(`/api/v1/admin/accounts/${id}/freeze`).set(user.auth).send({ mode, reason });
  const unfreeze = (id: string, user = admin) =>
    request(api.url).post(`/api/v1/admin/accounts/${id}/unfreeze`).set(user.auth).send({ reason: 'cleared' });
  const close = (id: string, user: TestUser) => request(api.url).post(`/api/v1/accounts/${id}/close`).set(user.auth);
  const transfer = async (
    user: TestUser,
    fromAccountId: string,
    toAccountId: string,
    amount: string,
    extra: object = {},
  ): Promise<Payment> =>
    (
      await request(api.url)
        .post('/api/v1/payments')
        .set(user.auth)
        .send({ fromAccountId, toAccountId, amount, ...extra })
        .expect(202)
    ).body;
  const transferred = async (user: TestUser, from: string, to: string, amount: string, extra: object = {}) =>
    settled(api, user, (await transfer(user, from, to, amount, extra)).id);
  const bankDeposit = async (accountId: string, amount: string) =>
    settled(
      api,
      admin,
      (
        await request(api.url)
          .post('/api/v1/deposits')
          .set(admin.auth)
          .send({ accountId, amount, externalRef: randomUUID() })
          .expect(202)
      ).body.id,
    );

  async function parties(funds = '100.00') {
    const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
    const [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee)]);
    if (funds !== '0') await deposit(api, admin, from, funds);
    return { payer, payee, from, to };
  }

  describe('freezing', () => {
    it('freezes debits: payments out FAIL with ACCOUNT_FROZEN and move nothing, payments in still arrive; shown and audited', async () => {
      const p = await parties();
      const frozen = await freeze(p.from, 'debits', 'chargeback #77').expect(200);
      expect(frozen.body.frozen).toEqual({
        mode: 'debits',
        reason: 'chargeback #77',
        frozenBy: admin.id,
        frozenAt: expect.any(String),
      });
      expect(await account(p.payer, p.from)).toMatchObject({ frozen: { mode: 'debits' }, closedAt: null });
      expect(await transferred(p.payer, p.from, p.to, '10.00')).toMatchObject({
        status: 'FAILED',
        failureReason: 'ACCOUNT_FROZEN',
      });
      const withdrawal = await request(api.url)
        .post('/api/v1/withdrawals')
        .set(p.payer.auth)
        .send({ accountId: p.from, amount: '1.00', destination: 'w' })
        .expect(202);
      expect(await settled(api, p.payer, withdrawal.body.id)).toMatchObject({
        status: 'FAILED',
        failureReason: 'ACCOUNT_FROZEN',
      });
      expect(await bankDeposit(p.from, '5.00')).toMatchObject({ status: 'COMPLETED' });
      expect((await account(p.payer, p.from)).balance).toBe('105.00');
      const audit = await db.query(
        `SELECT action, mode, reason, actor_id FROM account_audit WHERE account_id = $1 ORDER BY created_at`,
        [p.from],
      );
      expect(audit).toEqual([{ action: 'FROZEN', mode: 'debits', reason: 'chargeback #77', actor_id: admin.id }]);
    });

    it('freezes credits: payments in FAIL with ACCOUNT_FROZEN, payments out still leave', async () => {
      const p = await parties();
      await freeze(p.to, 'credits').expect(200);
      expect(await transferred(p.payer, p.from, p.to, '10.00')).toMatchObject({
        status: 'FAILED',
        failureReason: 'ACCOUNT_FROZEN',
      });
      expect(await bankDeposit(p.to, '5.00')).toMatchObject({ status: 'FAILED', failureReason: 'ACCOUNT_FROZEN' });
      await freeze(p.from, 'credits').expect(200);
      expect(await transferred(p.payer, p.from, await openAccount(api, p.payee), '10.00')).toMatchObject({
        status: 'COMPLETED',
      });
    });

    it('freezes all, and unfreezing lets payments through again; both audited with who did it', async () => {
      const p = await parties();
      await freeze(p.from, 'all').expect(200);
      expect(await transferred(p.payer, p.from, p.to, '1.00')).toMatchObject({ failureReason: 'ACCOUNT_FROZEN' });
      expect(await bankDeposit(p.from, '1.00')).toMatchObject({ failureReason: 'ACCOUNT_FROZEN' });
      const lifted = await unfreeze(p.from).expect(200);
      expect(lifted.body.frozen).toBeNull();
      expect(await transferred(p.payer, p.from, p.to, '1.00')).toMatchObject({ status: 'COMPLETED' });
      expect((await unfreeze(p.from).expect(409)).body.code).toBe('ACCOUNT_NOT_FROZEN');
      const audit = await db.query(
        `SELECT action, reason FROM account_audit WHERE account_id = $1 ORDER BY created_at, action DESC`,
        [p.from],
      );
      expect(audit).toEqual([
        { action: 'FROZEN', reason: 'investigation' },
        { action: 'UNFROZEN', reason: 'cleared' },
      ]);
    });

    it('refuses a hold on an account frozen for debits, but captures and voids holds placed before the freeze', async () => {
      const p = await parties();
      const toCapture = await transferred(p.payer, p.from, p.to, '10.00', { capture: 'manual' });
      const toVoid = await transferred(p.payer, p.from, p.to, '10.00', { capture: 'manual' });
      expect([toCapture.status, toVoid.status]).toEqual(['AUTHORIZED', 'AUTHORIZED']);
      await freeze(p.from, 'all').expect(200);
      await freeze(p.to, 'credits').expect(200);
      expect(await transferred(p.payer, p.from, p.to, '1.00', { capture: 'manual' })).toMatchObject({
        status: 'FAILED',
        failureReason: 'ACCOUNT_FROZEN',
      });
      const captured = await request(api.url)
        .post(`/api/v1/payments/${toCapture.id}/capture`)
        .set(p.payee.auth)
        .send({})
        .expect(200);
      expect(captured.body.status).toBe('COMPLETED');
      expect(
        (await request(api.url).post(`/api/v1/payments/${toVoid.id}/void`).set(p.payee.auth).expect(200)).body.status,
      ).toBe('VOIDED');
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '89.95', heldBalance: '0.00' });
      expect((await account(p.payee, p.to)).balance).toBe('10.00');
    });

    it('is for administrators only, refuses technical accounts, a bad mode or reason, and an unknown account', async () => {
      const p = await parties('0');
      expect((await freeze(p.from, 'debits', 'x', p.payer).expect(403)).body.code).toBe('FORBIDDEN');
      expect((await unfreeze(p.from, p.payer).expect(403)).body.code).toBe('FORBIDDEN');
      const technical = (
        await request(api.url).get('/api/v1/accounts?type=TECHNICAL&limit=1').set(admin.auth).expect(200)
      ).body.data[0].id;
      expect((await freeze(technical, 'all').expect(409)).body.code).toBe('TECHNICAL_ACCOUNT');
      expect((await close(technical, admin).expect(409)).body.code).toBe('TECHNICAL_ACCOUNT');
      for (const body of [
        { mode: 'everything', reason: 'x' },
        { mode: 'all', reason: '' },
        { mode: 'all' },
        { reason: 'x' },
      ]) {
        const res = await request(api.url)
          .post(`/api/v1/admin/accounts/${p.from}/freeze`)
          .set(admin.auth)
          .send(body)
          .expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      await freeze(randomUUID(), 'all').expect(404);
      await freeze('not-a-uuid', 'all').expect(404);
      expect((await account(p.payer, p.from)).frozen).toBeNull();
    });

    it('lets no payment debit an account after its freeze committed, however they race', async () => {
      for (let round = 0; round < 3; round++) {
        const p = await parties('30.30');
        const payments = Array.from({ length: 30 }, () => transfer(p.payer, p.from, p.to, '1.00'));
        await new Promise((resolve) => setTimeout(resolve, 5 * round));
        const [frozen, ...accepted] = await Promise.all([freeze(p.from, 'debits').expect(200), ...payments]);
        const final = await Promise.all(accepted.map((x) => settled(api, p.payer, x.id)));
        const completed = final.filter((x) => x.status === 'COMPLETED');
        expect(final.filter((x) => x.status !== 'COMPLETED').every((x) => x.failureReason === 'ACCOUNT_FROZEN')).toBe(
          true,
        );
        // What the account held when the freeze committed is what it holds now: nothing left it after.
        expect((await account(p.payer, p.from)).balance).toBe(frozen.body.balance);
        expect(cents('30.30') - cents(frozen.body.balance)).toBe(BigInt(completed.length) * 101n);
      }
    });
  });

  describe('closing', () => {
    it('refuses an account with money or a live hold with 409 ACCOUNT_NOT_EMPTY, and changes nothing', async () => {
      const p = await parties('10.00');
      expect((await close(p.from, p.payer).expect(409)).body.code).toBe('ACCOUNT_NOT_EMPTY');
      const held = await transferred(p.payer, p.from, p.to, '1.00', { capture: 'manual' });
      expect(held.status).toBe('AUTHORIZED');
      const withdrawn = await request(api.url)
        .post('/api/v1/withdrawals')
        .set(p.payer.auth)
        .send({ accountId: p.from, amount: '8.49', destination: 'w' })
        .expect(202);
      expect((await settled(api, p.payer, withdrawn.body.id)).status).toBe('COMPLETED');
      expect(await account(p.payer, p.from)).toMatchObject({
        balance: '1.01',
        heldBalance: '1.01',
        availableBalance: '0.00',
      });
      expect((await close(p.from, p.payer).expect(409)).body).toMatchObject({ code: 'ACCOUNT_NOT_EMPTY' });
      expect((await account(p.payer, p.from)).closedAt).toBeNull();
    });

    it('closes an empty account for its owner: it takes no payment either way, stays readable, never reopens', async () => {
      const p = await parties('0');
      const other = await openAccount(api, p.payer);
      await deposit(api, admin, other, '10.00');
      const closed = await close(p.from, p.payer).expect(200);
      expect(closed.body.closedAt).toEqual(expect.any(String));
      expect(await transferred(p.payer, other, p.from, '1.00')).toMatchObject({
        status: 'FAILED',
        failureReason: 'ACCOUNT_CLOSED',
      });
      expect(await transferred(p.payer, p.from, p.to, '1.00')).toMatchObject({
        status: 'FAILED',
        failureReason: 'ACCOUNT_CLOSED',
      });
      expect(await bankDeposit(p.from, '1.00')).toMatchObject({ status: 'FAILED', failureReason: 'ACCOUNT_CLOSED' });
      expect(await account(p.payer, p.from)).toMatchObject({ balance: '0.00', closedAt: closed.body.closedAt });
      expect((await close(p.from, p.payer).expect(409)).body.code).toBe('ACCOUNT_CLOSED');
      expect((await freeze(p.from, 'all').expect(409)).body.code).toBe('ACCOUNT_CLOSED');
      const listed = await request(api.url)
        .get(`/api/v1/accounts?closedAt[ne]=null&id=${p.from}`)
        .set(p.payer.auth)
        .expect(200);
      expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([p.from]);
    });

    it('lets an administrator close any user account, and tells another user it does not exist', async () => {
      const p = await parties('0');
      expect((await close(p.from, p.payee).expect(404)).body.code).toBe('NOT_FOUND');
      await close(randomUUID(), p.payer).expect(404);
      expect((await close(p.from, admin).expect(200)).body.closedAt).toEqual(expect.any(String));
    });

    it('decides a close racing a deposit under the account lock: one of them wins, never both', async () => {
      for (let round = 0; round < 5; round++) {
        const p = await parties('0');
        const [closing, payment] = await Promise.all([close(p.from, p.payer), bankDeposit(p.from, '1.00')]);
        const after = await account(p.payer, p.from);
        if (closing.status === 200) {
          expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'ACCOUNT_CLOSED' });
          expect(after.balance).toBe('0.00');
        } else {
          expect([closing.status, closing.body.code, payment.status, after.balance, after.closedAt]).toEqual([
            409,
            'ACCOUNT_NOT_EMPTY',
            'COMPLETED',
            '1.00',
            null,
          ]);
        }
      }
    });
  });

  it('tells the owner over /events: account.frozen, account.unfrozen, account.closed', async () => {
    const p = await parties('0');
    const socket = io(`${api.url}/events`, { auth: { token: p.payer.token }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) =>
        socket.once('connect', () => resolve()).once('connect_error', reject),
      );
      const received: Array<[string, { id: string; frozen: unknown; closedAt: unknown }]> = [];
      socket.onAny((event: string, body: { id: string; frozen: unknown; closedAt: unknown }) =>
        received.push([event, body]),
      );
      await freeze(p.from, 'all').expect(200);
      await unfreeze(p.from).expect(200);
      await close(p.from, p.payer).expect(200);
      for (let waited = 0; received.length < 3 && waited < 5000; waited += 25)
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect(received.map(([event, body]) => [event, body.id])).toEqual([
        ['account.frozen', p.from],
        ['account.unfrozen', p.from],
        ['account.closed', p.from],
      ]);
      expect(received[0][1].frozen).toMatchObject({ mode: 'all' });
      expect(received[2][1].closedAt).toEqual(expect.any(String));
    } finally {
      socket.disconnect();
    }
  });
});
