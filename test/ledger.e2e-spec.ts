import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import fc from 'fast-check';
import { type Leg, LedgerModule, PostOperations, type PostingOutcome, UnbalancedPosting } from '#ledger';
import { PlatformModule } from '#platform';
import type { DataSource } from 'typeorm';
import { startContext } from './support/harness.js';
import { LedgerFixtures } from './support/ledger-fixtures.js';

@Module({ imports: [PlatformModule, LedgerModule] })
class LedgerTestModule {}

const transfer = (from: string, to: string, amount: bigint, currency = 'USD'): Leg[] => [
  { accountId: from, currency, amount: -amount, type: 'TRANSFER' },
  { accountId: to, currency, amount, type: 'TRANSFER' },
];

describe('the ledger (PostOperations against real PostgreSQL)', () => {
  let app: INestApplication;
  let commands: CommandBus;
  let db: DataSource;
  let fx: LedgerFixtures;
  let bank: string;
  let initiator: string;

  const post = (paymentId: string, legs: Leg[]): Promise<PostingOutcome[]> => commands.execute(new PostOperations([{ paymentId, legs }]));

  /** A user account funded from external:bank through a posted deposit. */
  const funded = async (amount: bigint, currency = 'USD') => {
    const account = await fx.account(await fx.user(), currency);
    const source = currency === 'USD' ? bank : await fx.technical('external:bank', currency);
    const payment = await fx.payment(initiator, source, account, currency);
    expect(await post(payment, transfer(source, account, amount, currency))).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
    return account;
  };

  beforeAll(async () => {
    app = await startContext(LedgerTestModule);
    commands = app.get(CommandBus);
    db = app.get<DataSource>(getDataSourceToken());
    fx = new LedgerFixtures(db);
    bank = await fx.technical('external:bank');
    initiator = await fx.user();
  });
  afterAll(() => app.close());

  afterEach(async () => {
    expect(await fx.invariants()).toEqual({ negativeUserAccounts: 0, mismatched: 0, unbalancedCurrencies: 0, unbalancedPayments: 0 });
  });

  it('appends operations with balance_after, updates balances and completes the payment', async () => {
    const alice = await funded(10_000n);
    const bob = await fx.account(await fx.user());
    const payment = await fx.payment(initiator, alice, bob);
    const [outcome] = await post(payment, transfer(alice, bob, 2_500n));
    expect(outcome).toEqual({ paymentId: payment, status: 'COMPLETED', processedAt: expect.any(Date) });
    expect(await fx.balance(alice)).toBe(7_500n);
    expect(await fx.balance(bob)).toBe(2_500n);
    const ops = await db.query(`SELECT account_id, amount, balance_after FROM operations WHERE payment_id = $1 ORDER BY leg`, [payment]);
    expect(ops).toEqual([
      { account_id: alice, amount: '-2500', balance_after: '7500' },
      { account_id: bob, amount: '2500', balance_after: '2500' },
    ]);
    expect(await fx.status(payment)).toEqual({ status: 'COMPLETED', failure_reason: null });
  });

  it('fails a payment the payer cannot afford without touching any balance', async () => {
    const alice = await funded(100n);
    const bob = await fx.account(await fx.user());
    const payment = await fx.payment(initiator, alice, bob);
    const [outcome] = await post(payment, transfer(alice, bob, 101n));
    expect(outcome).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' });
    expect(await fx.balance(alice)).toBe(100n);
    expect(await fx.operationCount(payment)).toBe(0);
    expect(await fx.status(payment)).toEqual({ status: 'FAILED', failure_reason: 'INSUFFICIENT_FUNDS' });
  });

  it('fails with AMOUNT_OUT_OF_RANGE a posting that would take a balance past BIGINT, counting the postings before it in its batch', async () => {
    const half = 2n ** 62n;
    const fees = await fx.technical('fees');
    await funded(1n); // external:bank is below zero: two halves of BIGINT's range more would pass its least value
    const bankBefore = await fx.balance(bank);
    const feesBefore = await fx.balance(fees);
    const alice = await fx.account(await fx.user());
    const bob = await fx.account(await fx.user());
    const [toAlice, toBob, moreToAlice] = await Promise.all([fx.payment(initiator, bank, alice), fx.payment(initiator, bank, bob), fx.payment(initiator, fees, alice)]);

    // Each alone fits; together they would take the technical account external:bank past it.
    const batch = await commands.execute(new PostOperations([{ paymentId: toAlice, legs: transfer(bank, alice, half) }, { paymentId: toBob, legs: transfer(bank, bob, half) }]));
    expect(batch).toEqual([
      { paymentId: toAlice, status: 'COMPLETED', processedAt: expect.any(Date) },
      { paymentId: toBob, status: 'FAILED', failureReason: 'AMOUNT_OUT_OF_RANGE', processedAt: expect.any(Date) },
    ]);
    expect(await fx.status(toBob)).toEqual({ status: 'FAILED', failure_reason: 'AMOUNT_OUT_OF_RANGE' });
    expect(await fx.operationCount(toBob)).toBe(0);
    expect(await fx.balance(bank)).toBe(bankBefore - half);
    expect(await fx.balance(bob)).toBe(0n);

    // A user account's balance has the same ceiling: fees could give it, alice could not hold it.
    expect(await post(moreToAlice, transfer(fees, alice, half))).toEqual([expect.objectContaining({ status: 'FAILED', failureReason: 'AMOUNT_OUT_OF_RANGE' })]);
    expect(await fx.balance(alice)).toBe(half);
    expect(await fx.balance(fees)).toBe(feesBefore);

    // Back where it came from, for the tests after this one.
    expect(await post(await fx.payment(initiator, alice, bank), transfer(alice, bank, half))).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
    expect(await fx.balance(bank)).toBe(bankBefore);
  });

  it('refuses legs that do not sum to zero per currency before touching anything', async () => {
    const alice = await funded(1_000n);
    const bob = await fx.account(await fx.user());
    const payment = await fx.payment(initiator, alice, bob);
    const unbalanced: Leg[] = [
      { accountId: alice, currency: 'USD', amount: -100n, type: 'TRANSFER' },
      { accountId: bob, currency: 'USD', amount: 99n, type: 'TRANSFER' },
    ];
    await expect(post(payment, unbalanced)).rejects.toBeInstanceOf(UnbalancedPosting);
    const mixed: Leg[] = [
      { accountId: alice, currency: 'USD', amount: -100n, type: 'EXCHANGE' },
      { accountId: bob, currency: 'EUR', amount: 100n, type: 'EXCHANGE' },
    ];
    await expect(post(payment, mixed)).rejects.toBeInstanceOf(UnbalancedPosting);
    expect(await fx.status(payment)).toEqual({ status: 'INITIATED', failure_reason: null });
    expect(await fx.balance(alice)).toBe(1_000n);
  });

  it('posts a payment once however often it is posted, also concurrently', async () => {
    const alice = await funded(1_000n);
    const bob = await fx.account(await fx.user());
    const payment = await fx.payment(initiator, alice, bob);
    const outcomes = (await Promise.all(Array.from({ length: 10 }, () => post(payment, transfer(alice, bob, 300n))))).flat();
    expect(outcomes.filter((o) => o.status === 'COMPLETED')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'SKIPPED')).toHaveLength(9);
    expect(await fx.operationCount(payment)).toBe(2);
    expect(await fx.balance(alice)).toBe(700n);
    expect(await post(payment, transfer(alice, bob, 300n))).toEqual([{ paymentId: payment, status: 'SKIPPED' }]);
  });

  it('survives hundreds of concurrent postings over a few accounts, in both directions, without deadlock or overdraft', async () => {
    const accounts = await Promise.all([funded(5_000n), funded(5_000n), funded(5_000n), funded(5_000n)]);
    const fees = await fx.technical('fees');
    const feesBefore = await fx.balance(fees);
    // i → i+1, i+2, i+3 over four accounts: every pair is paid in both directions.
    const jobs = Array.from({ length: 300 }, (_, i) => ({ from: accounts[i % 4], to: accounts[(i + 1 + (i % 3)) % 4], amount: BigInt(100 + (i % 7) * 150) }));
    const paymentIds = await Promise.all(jobs.map((j) => fx.payment(initiator, j.from, j.to)));
    const postingOf = (i: number) => ({
      paymentId: paymentIds[i],
      legs: [
        ...transfer(jobs[i].from, jobs[i].to, jobs[i].amount),
        { accountId: jobs[i].from, currency: 'USD', amount: -1n, type: 'COMMISSION' as const },
        { accountId: fees, currency: 'USD', amount: 1n, type: 'COMMISSION' as const },
      ],
    });
    const indexes = jobs.map((_, i) => i);
    const odd = indexes.filter((i) => i % 2 === 1);
    // Half are posted alone, half in batches of five, as the sweeper and the worker's batcher do.
    const outcomes = (
      await Promise.all([
        ...indexes.filter((i) => i % 2 === 0).map((i) => commands.execute(new PostOperations([postingOf(i)]))),
        ...Array.from({ length: odd.length / 5 }, (_, b) => commands.execute(new PostOperations(odd.slice(b * 5, b * 5 + 5).map(postingOf)))),
      ])
    ).flat();

    expect(outcomes).toHaveLength(300);
    expect(outcomes.every((o) => o.status === 'COMPLETED' || o.status === 'FAILED')).toBe(true);
    const [{ initiated }] = await db.query(`SELECT count(*)::int AS initiated FROM payments WHERE id = ANY($1::uuid[]) AND status = 'INITIATED'`, [paymentIds]);
    expect(initiated).toBe(0);
    const held = (await Promise.all(accounts.map((a) => fx.balance(a)))).reduce((a, b) => a + b, 0n);
    const completed = outcomes.filter((o) => o.status === 'COMPLETED').length;
    expect(completed).toBeGreaterThan(0);
    expect((await fx.balance(fees)) - feesBefore).toBe(BigInt(completed));
    expect(held + BigInt(completed)).toBe(20_000n);
  });

  it('keeps every invariant over random sequences of postings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ from: fc.nat(3), to: fc.nat(3), amount: fc.bigInt({ min: 1n, max: 3_000n }), batch: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        async (steps) => {
          const accounts = await Promise.all([funded(2_000n), funded(2_000n), fx.account(await fx.user()), funded(500n)]);
          const expected = [2_000n, 2_000n, 0n, 500n];
          const valid = steps.filter((s) => s.from !== s.to);
          const postings = await Promise.all(
            valid.map(async (s) => ({ step: s, paymentId: await fx.payment(initiator, accounts[s.from], accounts[s.to]) })),
          );
          for (const { step, paymentId } of postings) {
            const [outcome] = await post(paymentId, transfer(accounts[step.from], accounts[step.to], step.amount));
            if (expected[step.from] >= step.amount) {
              expect(outcome.status).toBe('COMPLETED');
              expected[step.from] -= step.amount;
              expected[step.to] += step.amount;
            } else {
              expect(outcome).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' });
            }
          }
          expect(await Promise.all(accounts.map((a) => fx.balance(a)))).toEqual(expected);
          expect(await fx.invariants()).toEqual({ negativeUserAccounts: 0, mismatched: 0, unbalancedCurrencies: 0, unbalancedPayments: 0 });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('lets the database itself refuse changes to operations and negative user balances', async () => {
    const alice = await funded(100n);
    await expect(db.query(`UPDATE operations SET amount = amount * 2 WHERE account_id = $1`, [alice])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM operations WHERE account_id = $1`, [alice])).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE accounts SET balance = -1 WHERE id = $1`, [alice])).rejects.toThrow(/accounts_user_available_not_negative/);
  });

  it('never lets a row that payments and operations refer to go away', async () => {
    const alice = await funded(100n);
    const [{ payment_id: paymentId }] = await db.query<Array<{ payment_id: string }>>(`SELECT payment_id FROM operations WHERE account_id = $1`, [alice]);
    const [{ user_id: userId }] = await db.query<Array<{ user_id: string }>>(`SELECT user_id FROM accounts WHERE id = $1`, [alice]);
    for (const [table, id] of [['payments', paymentId], ['accounts', alice], ['users', userId]]) {
      await expect(db.query(`DELETE FROM ${table} WHERE id = $1`, [id])).rejects.toThrow(`${table} rows are permanent: DELETE refused`);
      await expect(db.query(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(`rows are permanent: TRUNCATE refused`);
    }
    expect(await db.query(`SELECT count(*)::int AS n FROM payments WHERE id = $1`, [paymentId])).toEqual([{ n: 1 }]);
  });

  it('finishes a payment in place: a HOT update, which writes no index entry', async () => {
    // PostgreSQL updates a row HOT when no index names a changed column and the page has room.
    const indexes = await db.query<Array<{ definition: string }>>(
      `SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indrelid = 'payments'::regclass`,
    );
    expect(indexes.length).toBeGreaterThanOrEqual(6);
    for (const { definition } of indexes) expect(definition.split(' USING ')[1]).not.toMatch(/\b(status|failure_reason|processed_at)\b/);
    expect(await db.query(`SELECT reloptions FROM pg_class WHERE oid = 'payments'::regclass`)).toEqual([{ reloptions: ['fillfactor=50'] }]);

    const alice = await funded(1_000n);
    const bob = await fx.account(await fx.user());
    const page = async (payment: string) => (await db.query(`SELECT (ctid::text::point)[0] AS page FROM payments WHERE id = $1`, [payment]))[0].page as number;
    for (const outcome of ['COMPLETED', 'FAILED']) {
      const payment = await fx.payment(initiator, alice, bob);
      const before = await page(payment);
      expect(await post(payment, transfer(alice, bob, outcome === 'COMPLETED' ? 100n : 1_000_000n))).toEqual([expect.objectContaining({ status: outcome })]);
      expect(await page(payment)).toBe(before);
    }
  });
});
