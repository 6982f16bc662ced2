import { randomUUID } from 'node:crypto';
import Bull from 'bull';
import request from 'supertest';
import type { Leg } from '#ledger';
import { PaymentPostings } from '#payments';
import type { DataSource } from 'typeorm';
import type { RunningApp } from './support/harness.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { balanceOf, deposit, openAccount, settled, trialBalance } from './support/money.js';
import { type RunningProcess, startApiProcess } from './support/processes.js';
import { Relay } from './support/relay.js';
import { ADMIN_ENV, registerUser, type TestUser } from './support/users.js';

describe('payments through the api and the worker', () => {
  // Its sweeps examine every stale payment of the database: other files leave some in the shared one.
  const suite = ledgerSuite({ ownDatabase: 'payments' });
  let api: RunningApp;
  let admin: TestUser;
  let db: DataSource;
  beforeAll(() => ({ api, admin, db } = suite));

  const pay = (user: TestUser, body: object, key?: string) => {
    const req = request(api.url).post('/api/v1/payments').set(user.auth);
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };

  const sweep = async () =>
    (await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200)).body;
  const watermark = async () =>
    (await db.query(`SELECT finished_before::text AS at FROM payment_sweep`))[0].at as string;

  /**
   * A payment the api stored INITIATED but whose job was lost: only a sweep finds it. `createdAt` is
   * a timestamptz (text), now by default.
   */
  async function lostPayment(
    p: {
      type?: 'TRANSFER' | 'DEPOSIT';
      payer: TestUser;
      payee: TestUser | null;
      from: string;
      to: string;
      amount: bigint;
      currency?: string;
      commission?: bigint;
    },
    createdAt?: string,
  ) {
    const isDeposit = p.type === 'DEPOSIT';
    const [row] = await db.query(
      `INSERT INTO payments (type, initiator_id, payer_user_id, payee_user_id, from_account_id, to_account_id, amount, currency,
                             commission, target_amount, target_currency, request_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7, $8, 'lost', coalesce($10::timestamptz, now())) RETURNING id`,
      [
        p.type ?? 'TRANSFER',
        p.payer.id,
        isDeposit ? null : p.payer.id,
        p.payee?.id ?? null,
        p.from,
        p.to,
        p.amount.toString(),
        p.currency ?? 'USD',
        (p.commission ?? 0n).toString(),
        createdAt ?? null,
      ],
    );
    return row.id as string;
  }

  async function fundedUser(amount = '100.00', currency = 'USD') {
    const user = await registerUser(api);
    const account = await openAccount(api, user, currency);
    await deposit(api, admin, account, amount);
    return { user, account };
  }

  it('deposits, transfers with commission and withdraws with exact balances and statements', async () => {
    const alice = await fundedUser('100.00');
    const bob = await registerUser(api);
    const bobAccount = await openAccount(api, bob);
    expect(await balanceOf(api, alice.user, alice.account)).toBe('100.00');

    const accepted = await pay(alice.user, {
      fromAccountId: alice.account,
      toAccountId: bobAccount,
      amount: '10',
      description: 'lunch',
    }).expect(202);
    expect(accepted.body).toMatchObject({
      type: 'TRANSFER',
      status: 'INITIATED',
      amount: '10.00',
      commission: '0.05',
      targetAmount: '10.00',
      rate: null,
      processedAt: null,
    });
    const transfer = await settled(api, alice.user, accepted.body.id);
    expect(transfer).toMatchObject({
      status: 'COMPLETED',
      failureReason: null,
      processedAt: expect.stringMatching(/\.\d{3}Z$/),
    });
    expect(await balanceOf(api, alice.user, alice.account)).toBe('89.95');
    expect(await balanceOf(api, bob, bobAccount)).toBe('10.00');

    const withdrawal = await request(api.url)
      .post('/api/v1/withdrawals')
      .set(bob.auth)
      .send({ accountId: bobAccount, amount: '5.00', destination: 'wallet-42' })
      .expect(202);
    expect(withdrawal.body).toMatchObject({ type: 'WITHDRAWAL', destination: 'wallet-42', commission: '0.50' });
    expect(await settled(api, bob, withdrawal.body.id)).toMatchObject({ status: 'COMPLETED' });
    expect(await balanceOf(api, bob, bobAccount)).toBe('4.50');

    const statement = await request(api.url)
      .get(`/api/v1/accounts/${alice.account}/operations?sort=createdAt`)
      .set(alice.user.auth)
      .expect(200);
    expect(
      statement.body.data.map((o: { type: string; amount: string; balanceAfter: string }) => [
        o.type,
        o.amount,
        o.balanceAfter,
      ]),
    ).toEqual([
      ['TRANSFER', '100.00', '100.00'],
      ['TRANSFER', '-10.00', '90.00'],
      ['COMMISSION', '-0.05', '89.95'],
    ]);
    const bobStatement = await request(api.url)
      .get(`/api/v1/accounts/${bobAccount}/operations?type=COMMISSION`)
      .set(bob.auth)
      .expect(200);
    expect(bobStatement.body.data.map((o: { amount: string }) => o.amount)).toEqual(['-0.50']);
  });

  it('shows a payment to its payer, its payee and an admin only', async () => {
    const alice = await fundedUser('20.00');
    const bob = await registerUser(api);
    const eve = await registerUser(api);
    const bobAccount = await openAccount(api, bob);
    const { body } = await pay(alice.user, {
      fromAccountId: alice.account,
      toAccountId: bobAccount,
      amount: '1.00',
    }).expect(202);
    await settled(api, alice.user, body.id);
    await request(api.url).get(`/api/v1/payments/${body.id}`).set(bob.auth).expect(200);
    await request(api.url).get(`/api/v1/payments/${body.id}`).set(admin.auth).expect(200);
    const hidden = await request(api.url).get(`/api/v1/payments/${body.id}`).set(eve.auth).expect(404);
    expect(hidden.body.code).toBe('NOT_FOUND');
    await request(api.url).get('/api/v1/payments/not-a-uuid').set(alice.user.auth).expect(404);
    const evesList = await request(api.url).get('/api/v1/payments').set(eve.auth).expect(200);
    expect(evesList.body.data).toEqual([]);
    const bobsList = await request(api.url)
      .get(`/api/v1/payments?type=TRANSFER&amount[gte]=1&status[in]=COMPLETED,FAILED`)
      .set(bob.auth)
      .expect(200);
    expect(bobsList.body.data.map((p: { id: string }) => p.id)).toEqual([body.id]);
    await request(api.url).get('/api/v1/payments?status=DONE').set(bob.auth).expect(400);
  });

  it.each([
    ['a JSON number', 10],
    ['null', null],
    ['too many decimals', '1.001'],
    ['zero', '0.00'],
    ['negative', '-1'],
    ['a plus sign', '+1'],
    ['a trailing dot', '1.'],
    ['a leading dot', '.5'],
    ['leading zeros', '007'],
    ['exponent notation', '1e3'],
    ['whitespace', ' 1'],
    ['16 integer digits', '1234567890123456'],
  ])('refuses an amount given as %s with 400 INVALID_AMOUNT and creates nothing', async (_name, amount) => {
    const alice = await fundedUser('5.00');
    const bob = await registerUser(api);
    const res = await pay(alice.user, {
      fromAccountId: alice.account,
      toAccountId: await openAccount(api, bob),
      amount,
    }).expect(400);
    expect(res.body.code).toBe('INVALID_AMOUNT');
    const list = await request(api.url).get('/api/v1/payments?type=TRANSFER').set(alice.user.auth).expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('refuses a fraction on a JPY account and a missing amount with INVALID_AMOUNT', async () => {
    const alice = await fundedUser('500', 'JPY');
    const bob = await registerUser(api);
    const target = await openAccount(api, bob, 'JPY');
    expect(
      (await pay(alice.user, { fromAccountId: alice.account, toAccountId: target, amount: '1.5' }).expect(400)).body
        .code,
    ).toBe('INVALID_AMOUNT');
    expect((await pay(alice.user, { fromAccountId: alice.account, toAccountId: target }).expect(400)).body.code).toBe(
      'INVALID_AMOUNT',
    );
    const ok = await pay(alice.user, { fromAccountId: alice.account, toAccountId: target, amount: '100' }).expect(202);
    expect(ok.body).toMatchObject({ amount: '100', commission: '1', currency: 'JPY' });
  });

  it("refuses a payment between one account and itself, from another user's account, to a technical account, or to nowhere", async () => {
    const alice = await fundedUser('5.00');
    const bob = await fundedUser('5.00');
    expect(
      (await pay(alice.user, { fromAccountId: alice.account, toAccountId: alice.account, amount: '1' }).expect(400))
        .body.code,
    ).toBe('SAME_ACCOUNT');
    expect(
      (await pay(alice.user, { fromAccountId: bob.account, toAccountId: alice.account, amount: '1' }).expect(404)).body
        .code,
    ).toBe('NOT_FOUND');
    expect(
      (await pay(alice.user, { fromAccountId: alice.account, toAccountId: randomUUID(), amount: '1' }).expect(404)).body
        .code,
    ).toBe('NOT_FOUND');
    const technical = await request(api.url)
      .get('/api/v1/accounts?type=TECHNICAL&code=fees&currency=USD')
      .set(admin.auth)
      .expect(200);
    await pay(alice.user, { fromAccountId: alice.account, toAccountId: technical.body.data[0].id, amount: '1' }).expect(
      404,
    );
    expect(
      (await pay(alice.user, { fromAccountId: 'nope', toAccountId: alice.account, amount: '1' }).expect(400)).body.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await pay(alice.user, {
          fromAccountId: alice.account,
          toAccountId: bob.account,
          amount: '1',
          status: 'COMPLETED',
        }).expect(400)
      ).body.code,
    ).toBe('VALIDATION_FAILED');
    expect(await balanceOf(api, alice.user, alice.account)).toBe('5.00');
  });

  it('lets an unconfirmed user open accounts but not move money out (403 EMAIL_NOT_CONFIRMED)', async () => {
    const user = await registerUser(api, { confirmed: false });
    const account = await openAccount(api, user);
    await deposit(api, admin, account, '10.00');
    const other = await fundedUser('1.00');
    expect(
      (await pay(user, { fromAccountId: account, toAccountId: other.account, amount: '1' }).expect(403)).body.code,
    ).toBe('EMAIL_NOT_CONFIRMED');
    const withdrawal = await request(api.url)
      .post('/api/v1/withdrawals')
      .set(user.auth)
      .send({ accountId: account, amount: '1', destination: 'w' })
      .expect(403);
    expect(withdrawal.body.code).toBe('EMAIL_NOT_CONFIRMED');
  });

  it('keeps deposits to administrators (403) and each externalRef to one deposit', async () => {
    const alice = await fundedUser('1.00');
    expect(
      (
        await request(api.url)
          .post('/api/v1/deposits')
          .set(alice.user.auth)
          .send({ accountId: alice.account, amount: '1', externalRef: 'x' })
          .expect(403)
      ).body.code,
    ).toBe('FORBIDDEN');
    const externalRef = `ref-${randomUUID()}`;
    const first = await request(api.url)
      .post('/api/v1/deposits')
      .set(admin.auth)
      .send({ accountId: alice.account, amount: '25.00', externalRef })
      .expect(202);
    const repeat = await request(api.url)
      .post('/api/v1/deposits')
      .set(admin.auth)
      .send({ accountId: alice.account, amount: '25.0', externalRef })
      .expect(200);
    expect(repeat.body.id).toBe(first.body.id);
    const other = await request(api.url)
      .post('/api/v1/deposits')
      .set(admin.auth)
      .send({ accountId: alice.account, amount: '26.00', externalRef })
      .expect(409);
    expect(other.body.code).toBe('EXTERNAL_REF_REUSED');
    await settled(api, admin, first.body.id);
    expect(await balanceOf(api, alice.user, alice.account)).toBe('26.00');

    const racedRef = `ref-${randomUUID()}`;
    const raced = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(api.url)
          .post('/api/v1/deposits')
          .set(admin.auth)
          .send({ accountId: alice.account, amount: '5.00', externalRef: racedRef }),
      ),
    );
    expect(raced.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    expect(new Set(raced.map((r) => r.body.id)).size).toBe(1);
    await settled(api, admin, raced[0].body.id);
    expect(await balanceOf(api, alice.user, alice.account)).toBe('31.00');
  });

  it('answers 20 concurrent requests with one Idempotency-Key with exactly one payment, and a different body with 409', async () => {
    const alice = await fundedUser('10.00');
    const bob = await fundedUser('0.01');
    const key = `key-${randomUUID()}`;
    const body = { fromAccountId: alice.account, toAccountId: bob.account, amount: '1.00' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pay(alice.user, i % 2 ? body : { ...body, amount: '1.0' }, key)),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.every((s) => s === 202 || s === 200 || s === 409)).toBe(true);
    const ids = new Set(answers.filter((a) => a.status !== 409).map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    await settled(api, alice.user, id);
    expect(await balanceOf(api, alice.user, alice.account)).toBe('8.99');
    const replay = await pay(alice.user, body, key).expect(200);
    expect(replay.body).toMatchObject({ id, status: 'COMPLETED' });
    expect((await pay(alice.user, { ...body, amount: '2.00' }, key).expect(409)).body.code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect((await pay(alice.user, body, '').expect(400)).body.code).toBe('INVALID_IDEMPOTENCY_KEY');
    expect((await pay(alice.user, body, 'k'.repeat(256)).expect(400)).body.code).toBe('INVALID_IDEMPOTENCY_KEY');
    // The same key belongs to each user separately.
    await pay(bob.user, { fromAccountId: bob.account, toAccountId: alice.account, amount: '0.01' }, key).expect(202);
  });

  it('completes exactly the affordable number of concurrent overdraft attempts', async () => {
    const alice = await fundedUser('100.00');
    const bob = await fundedUser('0.01');
    // Each costs 10.00 + 0.05 commission: 9 fit in 100.00.
    const answers = await Promise.all(
      Array.from({ length: 25 }, () =>
        pay(alice.user, { fromAccountId: alice.account, toAccountId: bob.account, amount: '10.00' }).expect(202),
      ),
    );
    const finals = await Promise.all(answers.map((a) => settled(api, alice.user, a.body.id)));
    expect(finals.filter((p) => p.status === 'COMPLETED')).toHaveLength(9);
    expect(finals.filter((p) => p.status === 'FAILED').every((p) => p.failureReason === 'INSUFFICIENT_FUNDS')).toBe(
      true,
    );
    expect(await balanceOf(api, alice.user, alice.account)).toBe('9.55');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('90.01');
  });

  it('posts a payment once however many jobs carry it', async () => {
    const alice = await fundedUser('10.00');
    const bob = await fundedUser('0.01');
    const { body } = await pay(alice.user, {
      fromAccountId: alice.account,
      toAccountId: bob.account,
      amount: '3.00',
    }).expect(202);
    await settled(api, alice.user, body.id);
    // Jobs the api never sends (another id, the payment twice in one job): a duplicate the queue cannot see.
    const queue = new Bull('payments', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      prefix: api.config.queuePrefix,
    });
    try {
      const jobs = await Promise.all(
        [randomUUID(), randomUUID()].map((jobId) =>
          queue.add('post-payments', { paymentIds: [body.id, body.id] }, { jobId }),
        ),
      );
      await Promise.all(jobs.map((job) => job.finished()));
    } finally {
      await queue.close();
    }
    const statement = await request(api.url)
      .get(`/api/v1/accounts/${alice.account}/operations`)
      .set(alice.user.auth)
      .expect(200);
    expect(statement.body.data.filter((o: { paymentId: string }) => o.paymentId === body.id)).toHaveLength(2);
    expect(await balanceOf(api, alice.user, alice.account)).toBe('6.98');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('3.01');
  });

  it('finishes through the sweeper a payment whose job never reached the queue', async () => {
    const alice = await fundedUser('10.00');
    const bob = await fundedUser('0.01');
    // An api process whose Redis stops answering still accepts the payment; the row is the source of truth.
    const redis = Relay.to(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 6379);
    await redis.open();
    let isolated: RunningProcess | undefined;
    try {
      isolated = await startApiProcess({
        ...ADMIN_ENV,
        DATABASE_URL: api.config.databaseUrl,
        QUEUE_PREFIX: api.config.queuePrefix,
        REDIS_URL: redis.address(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
      });
      await redis.cut();
      const accepted = await request(isolated.url)
        .post('/api/v1/payments')
        .set(alice.user.auth)
        .send({ fromAccountId: alice.account, toAccountId: bob.account, amount: '2.00' })
        .expect(202);
      await new Promise((r) => setTimeout(r, 300));
      expect(
        (await request(api.url).get(`/api/v1/payments/${accepted.body.id}`).set(alice.user.auth).expect(200)).body
          .status,
      ).toBe('INITIATED');
      await request(api.url).post('/api/v1/admin/sweep').set(alice.user.auth).send({}).expect(403);
      expect(
        (await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: -1 }).expect(400)).body
          .code,
      ).toBe('VALIDATION_FAILED');
      const swept = await request(api.url)
        .post('/api/v1/admin/sweep')
        .set(admin.auth)
        .send({ olderThanMs: 0 })
        .expect(200);
      expect(swept.body).toEqual({
        examined: expect.any(Number),
        completed: expect.any(Number),
        authorized: 0,
        failed: expect.any(Number),
        expired: expect.any(Number),
      });
      expect(swept.body.completed).toBeGreaterThanOrEqual(1);
      expect((await settled(api, alice.user, accepted.body.id)).status).toBe('COMPLETED');
      expect(await balanceOf(api, alice.user, alice.account)).toBe('7.99');
    } finally {
      await isolated?.kill();
      await redis.cut();
    }
  });

  it('sweeps from a watermark that never passes a payment still to commit', async () => {
    const watermarkAgeS = async () =>
      (await db.query(`SELECT extract(epoch FROM now() - finished_before)::float8 AS age FROM payment_sweep`))[0]
        .age as number;
    const alice = await fundedUser('10.00');
    const bob = { user: await registerUser(api), account: '' };
    bob.account = await openAccount(api, bob.user);
    await sweep();
    // Not up to now: only up to where every INSERT begun before has surely committed (twice STATEMENT_TIMEOUT_MS).
    expect(await watermarkAgeS()).toBeGreaterThanOrEqual(60);
    expect(await watermarkAgeS()).toBeLessThan(70);

    // An INSERT begun 30 s ago that commits only now, after that sweep, and whose job is lost.
    const lostTransfer = async (createdSecondsAgo: number) =>
      lostPayment(
        { payer: alice.user, payee: bob.user, from: alice.account, to: bob.account, amount: 200n, commission: 1n },
        (await db.query(`SELECT (now() - $1 * interval '1 second')::text AS at`, [createdSecondsAgo]))[0].at,
      );
    const late = await lostTransfer(30);
    expect((await sweep()).completed).toBeGreaterThanOrEqual(1);
    expect((await settled(api, alice.user, late)).status).toBe('COMPLETED');
    expect(await balanceOf(api, alice.user, alice.account)).toBe('7.99');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('2.00');

    // A sweep scans a bounded number of rows per statement, as many times as it takes: a lost
    // payment behind 1,100 finished ones created at the same instant is found all the same.
    await db.query(
      `INSERT INTO payments (type, status, initiator_id, payer_user_id, payee_user_id, from_account_id, to_account_id, amount, currency,
                             commission, target_amount, target_currency, failure_reason, request_hash, created_at, processed_at)
       SELECT 'TRANSFER', 'FAILED', $1, $1, $2, $3, $4, 100, 'USD', 1, 100, 'USD', 'INSUFFICIENT_FUNDS', 'finished', now() - interval '40 seconds', now()
         FROM generate_series(1, 1100)`,
      [alice.user.id, bob.user.id, alice.account, bob.account],
    );
    const behind = await lostTransfer(20);
    expect((await sweep()).completed).toBeGreaterThanOrEqual(1);
    expect((await settled(api, alice.user, behind)).status).toBe('COMPLETED');
    expect(await balanceOf(api, alice.user, alice.account)).toBe('5.98');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('4.00');
    const [{ unfinished }] = await db.query(
      `SELECT count(*)::int AS unfinished FROM payments WHERE status = 'INITIATED' AND created_at < (SELECT finished_before FROM payment_sweep)`,
    );
    expect(unfinished).toBe(0);
    await expect(db.query(`DELETE FROM payment_sweep`)).rejects.toThrow(
      'payment_sweep rows are permanent: DELETE refused',
    );
  });

  it('goes on past a payment whose posting throws, keeps the watermark at it and retries it at the next sweep', async () => {
    const alice = await fundedUser('10.00');
    const bob = await fundedUser('0.01');
    await sweep();
    const before = await watermark();
    const justAfter = async (at: string, ms: number) =>
      (await db.query(`SELECT ($1::timestamptz + $2 * interval '1 millisecond')::text AS at`, [at, ms]))[0]
        .at as string;
    // A row that disagrees with its own account (in EUR from a USD account) as only a bug could
    // store it: posting it throws, for no business reason a payment could fail with.
    const broken = await lostPayment(
      {
        payer: alice.user,
        payee: bob.user,
        from: alice.account,
        to: bob.account,
        amount: 100n,
        currency: 'EUR',
        commission: 1n,
      },
      await justAfter(before, 1),
    );
    const later = await lostPayment(
      { payer: alice.user, payee: bob.user, from: alice.account, to: bob.account, amount: 200n, commission: 1n },
      await justAfter(before, 2),
    );
    await new Promise((r) => setTimeout(r, 20)); // so that this sweep could otherwise move the watermark past both

    expect(await sweep()).toEqual({ examined: 2, completed: 1, authorized: 0, failed: 0, expired: 0 });
    expect((await settled(api, alice.user, later)).status).toBe('COMPLETED');
    expect(
      (await request(api.url).get(`/api/v1/payments/${broken}`).set(alice.user.auth).expect(200)).body.status,
    ).toBe('INITIATED');
    const [{ held }] = await db.query(
      `SELECT finished_before = created_at AS held FROM payment_sweep, payments WHERE id = $1`,
      [broken],
    );
    expect(held).toBe(true);
    expect(await sweep()).toEqual({ examined: 1, completed: 0, authorized: 0, failed: 0, expired: 0 });

    // Once the row is repaired, the next sweep posts it, once.
    await db.query(`UPDATE payments SET currency = 'USD', target_currency = 'USD' WHERE id = $1`, [broken]);
    expect(await sweep()).toEqual({ examined: 1, completed: 1, authorized: 0, failed: 0, expired: 0 });
    expect((await settled(api, alice.user, broken)).status).toBe('COMPLETED');
    expect(await balanceOf(api, alice.user, alice.account)).toBe('6.98');
    expect(await balanceOf(api, bob.user, bob.account)).toBe('3.01');
    expect(await watermark()).not.toBe(before);
  });

  describe('at the edge of BIGINT', () => {
    const LARGEST = '999999999999999.99';
    let holder: { user: TestUser; account: string };
    let bank: string;

    // 92 of the largest deposits fit in a balance (BIGINT tops out at 92233720368547758.07 in
    // minor units of two decimals); a 93rd would not.
    beforeAll(async () => {
      holder = { user: await registerUser(api), account: '' };
      holder.account = await openAccount(api, holder.user, 'RUB');
      const deposits = await Promise.all(
        Array.from({ length: 92 }, () => deposit(api, admin, holder.account, LARGEST)),
      );
      expect(deposits.every((d) => d.status === 'COMPLETED')).toBe(true);
      bank = (
        await request(api.url)
          .get('/api/v1/accounts?type=TECHNICAL&code=external:bank&currency=RUB')
          .set(admin.auth)
          .expect(200)
      ).body.data[0].id;
    });

    // The money goes back the way it came, so that the suites after this one find external:bank
    // RUB as they would have: no payment type moves money to it, so it is posted here directly.
    afterAll(async () => {
      const balance = BigInt((await balanceOf(api, holder.user, holder.account)).replace('.', ''));
      const back = await lostPayment({
        payer: holder.user,
        payee: null,
        from: holder.account,
        to: bank,
        amount: balance,
        currency: 'RUB',
      });
      const legs: Leg[] = [
        { accountId: holder.account, currency: 'RUB', amount: -balance, type: 'TRANSFER' },
        { accountId: bank, currency: 'RUB', amount: balance, type: 'TRANSFER' },
      ];
      expect(await api.app.get(PaymentPostings).post([{ paymentId: back, legs }])).toEqual([
        expect.objectContaining({ status: 'COMPLETED' }),
      ]);
    });

    it('fails with AMOUNT_OUT_OF_RANGE the deposit that would take a balance past BIGINT, completes the one beside it and stays balanced', async () => {
      const [overflowing, fitting] = await Promise.all(
        [LARGEST, '0.01'].map((amount) => deposit(api, admin, holder.account, amount)),
      );
      expect(overflowing).toMatchObject({
        status: 'FAILED',
        failureReason: 'AMOUNT_OUT_OF_RANGE',
        processedAt: expect.any(String),
      });
      expect(fitting).toMatchObject({ status: 'COMPLETED' });
      expect(await balanceOf(api, holder.user, holder.account)).toBe('91999999999999999.09');
      const statement = await request(api.url)
        .get(`/api/v1/accounts/${holder.account}/operations?paymentId=${overflowing.id}`)
        .set(holder.user.auth)
        .expect(200);
      expect(statement.body.data).toEqual([]);
      expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
    });

    it('does not let a stale payment that would overflow wedge the sweep: it fails, and a later stale payment completes', async () => {
      const alice = await fundedUser('10.00');
      const bob = await fundedUser('0.01');
      await sweep();
      const overflowing = await lostPayment({
        type: 'DEPOSIT',
        payer: admin,
        payee: holder.user,
        from: bank,
        to: holder.account,
        amount: 99999999999999999n,
        currency: 'RUB',
      });
      const later = await lostPayment({
        payer: alice.user,
        payee: bob.user,
        from: alice.account,
        to: bob.account,
        amount: 200n,
        commission: 1n,
      });

      expect(await sweep()).toEqual({ examined: 2, completed: 1, authorized: 0, failed: 1, expired: 0 });
      expect(await settled(api, admin, overflowing)).toMatchObject({
        status: 'FAILED',
        failureReason: 'AMOUNT_OUT_OF_RANGE',
      });
      expect((await settled(api, alice.user, later)).status).toBe('COMPLETED');
      expect(await balanceOf(api, alice.user, alice.account)).toBe('7.99');
      expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
    });
  });

  it('counts accepted payments on the api and finished ones on the worker', async () => {
    const apiMetrics = await request(api.url).get('/metrics').expect(200);
    expect(apiMetrics.text).toMatch(/billing_payments_total\{type="TRANSFER",status="INITIATED"\} \d+/);
    expect(apiMetrics.text).toContain('billing_payment_completion_seconds_bucket');
    expect(apiMetrics.text).toContain('billing_queue_jobs');
    const workerMetrics = await request(suite.worker!.url).get('/metrics').expect(200);
    expect(workerMetrics.text).toMatch(/billing_payments_total\{type="DEPOSIT",status="COMPLETED"\} \d+/);
  });
});
