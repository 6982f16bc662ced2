import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { RunningApp } from './support/harness.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { deposit, openAccount, settled, type Payment } from './support/money.js';
import { registerUser, type TestUser } from './support/users.js';

/** Metadata: a client's own tags on payments, accounts and webhook endpoints; validated, merged, filtered. */
describe('metadata', () => {
  const suite = ledgerSuite({ api: { WEBHOOK_ALLOW_INSECURE: 'true' }, worker: { WEBHOOK_ALLOW_INSECURE: 'true' } });
  let api: RunningApp;
  let admin: TestUser;
  let db: DataSource;
  let payer: TestUser;
  let payee: TestUser;
  let from: string;
  let to: string;
  beforeAll(async () => {
    ({ api, admin, db } = suite);
    [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
    [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee)]);
    await deposit(api, admin, from, '100.00');
  });

  const pay = (metadata: unknown, key?: string) => {
    const req = request(api.url).post('/api/v1/payments').set(payer.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send({
      fromAccountId: from,
      toAccountId: to,
      amount: '1.00',
      metadata,
    });
  };
  const ids = (body: { data: Array<{ id: string }> }) => body.data.map((x) => x.id).sort();

  describe('validation', () => {
    const fiftyOne = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    it.each([
      ['a key with a space', { 'order id': 'A' }, 'order id'],
      ['a key of 41 characters', { ['k'.repeat(41)]: 'A' }, 'k'.repeat(41)],
      ['an empty key', { '': 'A' }, '""'],
      ['a number value', { orderId: 17 }, 'metadata.orderId'],
      ['a nested object', { orderId: { id: 'A' } }, 'metadata.orderId'],
      ['a value of 501 characters', { note: 'x'.repeat(501) }, 'metadata.note'],
      ['51 keys', fiftyOne, 'at most 50 keys'],
      ['an array', ['A'], 'an object'],
      ['a string', 'A-17', 'an object'],
    ])(
      'refuses %s with 400 VALIDATION_FAILED naming it, on payments, accounts and webhook endpoints',
      async (_what, metadata, named) => {
        const answers = await Promise.all([
          pay(metadata),
          request(api.url).post('/api/v1/accounts').set(payer.auth).send({ currency: 'USD', metadata }),
          request(api.url).patch(`/api/v1/accounts/${from}`).set(payer.auth).send({ metadata }),
          request(api.url)
            .post('/api/v1/webhook-endpoints')
            .set(payer.auth)
            .send({ url: 'http://127.0.0.1:9/hooks', metadata }),
        ]);
        for (const res of answers) {
          expect(res.status).toBe(400);
          expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'metadata' }] });
          expect(res.body.detail).toContain(named);
        }
      },
    );

    it('refuses a null value at creation, where it removes nothing', async () => {
      const res = await pay({ orderId: null }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'metadata' }] });
      expect(res.body.detail).toContain('metadata.orderId');
    });

    it('accepts 50 keys of 40 characters with values of 500, and keeps them exactly, unicode included', async () => {
      const metadata = Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [`${String(i).padStart(2, '0')}${'k'.repeat(38)}`, 'é'.repeat(500)]),
      );
      const res = await request(api.url)
        .post('/api/v1/accounts')
        .set(payer.auth)
        .send({ currency: 'USD', metadata })
        .expect(201);
      expect(res.body.metadata).toEqual(metadata);
    });

    it('shows {} when a resource has none', async () => {
      const account = await request(api.url).get(`/api/v1/accounts/${from}`).set(payer.auth).expect(200);
      expect(account.body.metadata).toEqual({});
    });
  });

  describe('on payments', () => {
    it("is set at creation on transfers, withdrawals, deposits and refunds, and a capture keeps the payment's", async () => {
      const transfer = await settled(api, payer, (await pay({ orderId: 'T-1' }).expect(202)).body.id);
      expect(transfer).toMatchObject({ status: 'COMPLETED', metadata: { orderId: 'T-1' } });
      const withdrawal = await request(api.url)
        .post('/api/v1/withdrawals')
        .set(payer.auth)
        .send({ accountId: from, amount: '1.00', destination: 'w', metadata: { orderId: 'W-1' } })
        .expect(202);
      expect(withdrawal.body.metadata).toEqual({ orderId: 'W-1' });
      const bank = await request(api.url)
        .post('/api/v1/deposits')
        .set(admin.auth)
        .send({ accountId: from, amount: '1.00', externalRef: randomUUID(), metadata: { orderId: 'D-1' } })
        .expect(202);
      expect(bank.body.metadata).toEqual({ orderId: 'D-1' });
      const refund = await request(api.url)
        .post(`/api/v1/payments/${transfer.id}/refunds`)
        .set(payee.auth)
        .send({ amount: '0.50', metadata: { orderId: 'R-1' } })
        .expect(202);
      expect(refund.body.metadata).toEqual({ orderId: 'R-1' });
      const held = await settled(
        api,
        payer,
        (
          await request(api.url)
            .post('/api/v1/payments')
            .set(payer.auth)
            .send({
              fromAccountId: from,
              toAccountId: to,
              amount: '1.00',
              capture: 'manual',
              metadata: { orderId: 'H-1' },
            })
            .expect(202)
        ).body.id,
      );
      expect(held.status).toBe('AUTHORIZED');
      const captured = await request(api.url)
        .post(`/api/v1/payments/${held.id}/capture`)
        .set(payee.auth)
        .send({})
        .expect(200);
      expect(captured.body).toMatchObject({ status: 'COMPLETED', metadata: { orderId: 'H-1' } });
    });

    it('filters lists by metadata[key]=value, exact match, several keys AND-ed, for payer, payee and admin alike', async () => {
      const tag = randomUUID();
      const a = (await pay({ batch: tag, orderId: 'A-17' }).expect(202)).body.id;
      const b = (await pay({ batch: tag, orderId: 'A-18' }).expect(202)).body.id;
      const c = (await pay({ batch: tag, orderId: 'A-17', region: 'EU' }).expect(202)).body.id;
      const list = async (user: TestUser, query: string) =>
        ids((await request(api.url).get(`/api/v1/payments?${query}`).set(user.auth).expect(200)).body);
      expect(await list(payer, `metadata[batch]=${tag}`)).toEqual([a, b, c].sort());
      expect(await list(payee, `metadata[batch]=${tag}&metadata[orderId]=A-17`)).toEqual([a, c].sort());
      expect(await list(admin, `metadata[batch]=${tag}&metadata[orderId]=A-17&metadata[region]=EU`)).toEqual([c]);
      expect(await list(payer, `metadata[batch]=${tag}&metadata[orderId]=A-1`)).toEqual([]);
      const stranger = await registerUser(api);
      expect(await list(stranger, `metadata[batch]=${tag}`)).toEqual([]);
      const paged = await request(api.url)
        .get(`/api/v1/payments?metadata[batch]=${tag}&limit=2&sort=createdAt`)
        .set(payer.auth)
        .expect(200);
      const rest = await request(api.url)
        .get(`/api/v1/payments?metadata[batch]=${tag}&limit=2&sort=createdAt&cursor=${paged.body.nextCursor}`)
        .set(payer.auth)
        .expect(200);
      expect([...ids(paged.body), ...ids(rest.body)].sort()).toEqual([a, b, c].sort());
    });

    it('refuses a malformed metadata filter with 400 INVALID_QUERY, and sorting by metadata', async () => {
      for (const query of [
        'metadata[bad key]=x',
        'metadata=x',
        `metadata[k]=${'x'.repeat(501)}`,
        'metadata[]=x',
        'sort=metadata',
      ]) {
        const res = await request(api.url).get(`/api/v1/payments?${query}`).set(payer.auth);
        expect([res.status, res.body.code]).toEqual([400, 'INVALID_QUERY']);
      }
    });

    it('is served by the partial GIN index on payments', async () => {
      const plan = await db.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        const rows = await tx.query<Array<{ 'QUERY PLAN': string }>>(
          `EXPLAIN SELECT id FROM payments p WHERE p.metadata IS NOT NULL AND p.metadata @> '{"orderId":"A-17"}'::jsonb`,
        );
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('payments_metadata');
    });

    it('is part of the idempotency comparison, whatever the order of its keys', async () => {
      const key = randomUUID();
      const first = await pay({ a: '1', b: '2' }, key).expect(202);
      const again = await pay({ b: '2', a: '1' }, key).expect(200);
      expect(again.body.id).toBe(first.body.id);
      const other = await pay({ a: '1', b: '3' }, key).expect(409);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const without = await pay(undefined, key).expect(409);
      expect(without.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('counts no metadata and {} as the same request', async () => {
      const key = randomUUID();
      const first = await pay(undefined, key).expect(202);
      expect((await pay({}, key).expect(200)).body.id).toBe(first.body.id);
    });

    it('is merged by PATCH /payments/:id: new keys set, a null removes one, payer, payee and admin may; anyone else gets 404', async () => {
      const id = (await pay({ orderId: 'M-1', keep: 'yes' }).expect(202)).body.id;
      const patch = (user: TestUser, metadata: unknown) =>
        request(api.url).patch(`/api/v1/payments/${id}`).set(user.auth).send({ metadata });
      expect((await patch(payer, { orderId: null, note: 'first' }).expect(200)).body.metadata).toEqual({
        keep: 'yes',
        note: 'first',
      });
      expect((await patch(payee, { note: 'second' }).expect(200)).body.metadata).toEqual({
        keep: 'yes',
        note: 'second',
      });
      expect((await patch(admin, { keep: null, note: null }).expect(200)).body.metadata).toEqual({});
      expect((await patch(admin, { absent: null }).expect(200)).body.metadata).toEqual({});
      expect((await patch(await registerUser(api), { x: 'y' }).expect(404)).body.code).toBe('NOT_FOUND');
      expect(
        (
          await request(api.url)
            .patch(`/api/v1/payments/${randomUUID()}`)
            .set(admin.auth)
            .send({ metadata: {} })
            .expect(404)
        ).body.code,
      ).toBe('NOT_FOUND');
      expect(
        (await request(api.url).patch(`/api/v1/payments/${id}`).set(payer.auth).send({ amount: '5.00' }).expect(400))
          .body.code,
      ).toBe('VALIDATION_FAILED');
      const [row] = await db.query(`SELECT metadata FROM payments WHERE id = $1`, [id]);
      expect(row.metadata).toBeNull();
    });

    it('refuses a merge that would pass 50 keys, naming metadata, and changes nothing', async () => {
      const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
      const id = (await pay(many).expect(202)).body.id;
      const res = await request(api.url)
        .patch(`/api/v1/payments/${id}`)
        .set(payer.auth)
        .send({ metadata: { one: 'more' } })
        .expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'metadata' }] });
      const swapped = await request(api.url)
        .patch(`/api/v1/payments/${id}`)
        .set(payer.auth)
        .send({ metadata: { k0: null, one: 'more' } })
        .expect(200);
      expect(Object.keys(swapped.body.metadata)).toHaveLength(50);
    });

    it('goes out with the payment in webhook deliveries', async () => {
      await request(api.url)
        .post('/api/v1/webhook-endpoints')
        .set(payee.auth)
        .send({ url: 'http://127.0.0.1:9/hooks' })
        .expect(201);
      const payment: Payment = (await pay({ orderId: 'WH-1' }).expect(202)).body;
      const [row] = await db.query(
        `SELECT data FROM webhook_events WHERE payment_id = $1 AND type = 'payment.initiated'`,
        [payment.id],
      );
      expect(row.data.metadata).toEqual({ orderId: 'WH-1' });
    });
  });

  describe('on accounts', () => {
    it('is set at opening, merged by PATCH (name too) by owner or admin, filtered in lists, and another user gets 404', async () => {
      const tag = randomUUID();
      const opened = await request(api.url)
        .post('/api/v1/accounts')
        .set(payer.auth)
        .send({ currency: 'EUR', metadata: { tag, costCenter: 'CC-1' } })
        .expect(201);
      expect(opened.body.metadata).toEqual({ tag, costCenter: 'CC-1' });
      const id = opened.body.id;
      const patched = await request(api.url)
        .patch(`/api/v1/accounts/${id}`)
        .set(payer.auth)
        .send({ name: 'Travel', metadata: { costCenter: null, owner: 'ops' } })
        .expect(200);
      expect(patched.body).toMatchObject({ name: 'Travel', metadata: { tag, owner: 'ops' } });
      expect(Object.keys(patched.body.metadata)).toHaveLength(2);
      await request(api.url)
        .patch(`/api/v1/accounts/${id}`)
        .set(admin.auth)
        .send({ metadata: { audited: 'yes' } })
        .expect(200);
      await request(api.url)
        .patch(`/api/v1/accounts/${id}`)
        .set(payee.auth)
        .send({ metadata: { x: 'y' } })
        .expect(404);
      const listed = await request(api.url)
        .get(`/api/v1/accounts?metadata[tag]=${tag}&metadata[owner]=ops`)
        .set(payer.auth)
        .expect(200);
      expect(listed.body.data.map((a: { id: string; metadata: object }) => [a.id, a.metadata])).toEqual([
        [id, { tag, owner: 'ops', audited: 'yes' }],
      ]);
      expect(
        (await request(api.url).get(`/api/v1/accounts?metadata[tag]=${tag}`).set(payee.auth).expect(200)).body.data,
      ).toEqual([]);
    });
  });

  describe('on webhook endpoints', () => {
    it('is set at registration, merged by PATCH, filtered in lists', async () => {
      const tag = randomUUID();
      const created = await request(api.url)
        .post('/api/v1/webhook-endpoints')
        .set(payer.auth)
        .send({ url: 'http://127.0.0.1:9/a', metadata: { tag, env: 'test' } })
        .expect(201);
      expect(created.body.metadata).toEqual({ tag, env: 'test' });
      const patched = await request(api.url)
        .patch(`/api/v1/webhook-endpoints/${created.body.id}`)
        .set(payer.auth)
        .send({ metadata: { env: null, team: 'billing' } })
        .expect(200);
      expect(patched.body.metadata).toEqual({ tag, team: 'billing' });
      const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
      const refused = await request(api.url)
        .patch(`/api/v1/webhook-endpoints/${created.body.id}`)
        .set(payer.auth)
        .send({ metadata: many })
        .expect(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      const listed = await request(api.url)
        .get(`/api/v1/webhook-endpoints?metadata[tag]=${tag}`)
        .set(payer.auth)
        .expect(200);
      expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([created.body.id]);
      const got = await request(api.url)
        .get(`/api/v1/webhook-endpoints/${created.body.id}`)
        .set(payer.auth)
        .expect(200);
      expect(got.body.metadata).toEqual({ tag, team: 'billing' });
    });
  });
});
