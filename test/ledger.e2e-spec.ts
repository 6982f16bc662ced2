import { CommandBus } from '@nestjs/cqrs';
import { Module } from '@nestjs/common';
import fc from 'fast-check';
import { type Leg, LedgerModule, PostOperations, type PostingOutcome, UnbalancedPosting } from '#ledger';
import { PlatformModule } from '#platform';
import type { DataSource } from 'typeorm';
import { type LedgerFixtures, ledgerContext, transfer } from './support/ledger-fixtures.js';

@Module({ imports: [PlatformModule, LedgerModule] })
class LedgerTestModule {}

describe('the ledger (PostOperations against real PostgreSQL)', () => {
  const context = ledgerContext(LedgerTestModule);
  let commands: CommandBus;
  let db: DataSource;
  let fx: LedgerFixtures;
  let bank: string;
  let initiator: string;
  beforeAll(() => {
    ({ db, fx, bank, initiator } = context);
    commands = context.app.get(CommandBus);
  });

  const post = (paymentId: string, legs: Leg[]): Promise<PostingOutcome[]> =>
    commands.execute(new PostOperations([{ paymentId, legs }]));

  /** A user account funded from external:bank through a posted deposit. */
  const funded = async (amount: bigint, currency = 'USD') => {
    const account = await fx.account(await fx.user(), currency);
    const source = currency === 'USD' ? bank : await fx.technical('external:bank', currency);
    const payment = await fx.payment(initiator, source, account, currency);
    expect(await post(payment, transfer(source, account, amount, currency))).toEqual([
      expect.objectContaining({ status: 'COMPLETED' }),
    ]);
    return account;
  };

  it('appends operations with balance_after, updates balances and says the posting COMPLETED', async () => {
    const alice = await funded(10_000n);
    const bob = await fx.account(await fx.user());
    const payment = await fx.payment(initiator, alice, bob);
    const [outcome] = await post(payment, transfer(alice, bob, 2_500n));
    expect(outcome).toEqual({ paymentId: payment, status: 'COMPLETED' });
    expect(await fx.balance(alice)).toBe(7_500n);
    expect(await fx.balance(bob)).toBe(2_500n);
    const ops = await db.query(
      `SELECT account_id, amount, balance_after FROM operations WHERE payment_id = $1 ORDER BY leg`,
      [payment],
    );
    expect(ops).toEqual([
      { account_id: alice, amount: '-2500', balance_after: '7500' },
      { account_id: bob, amount: '2500', balance_after: '2500' },
    ]);
  });

  it('fails a payment the payer cannot afford without touching any balance', async () => {
    const alice = await funded(100n);
    const bob = await fx.account(await fx.user());
    const payment = await fx.payment(initiator, alice, bob);
    const [outcome] = await post(payment, transfer(alice, bob, 101n));
    expect(outcome).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' });
    expect(await fx.balance(alice)).toBe(100n);
    expect(await fx.operationCount(payment)).toBe(0);
  });

  it('fails with AMOUNT_OUT_OF_RANGE a posting that would take a balance past BIGINT, counting the postings before it in its batch', async () => {
    const half = 2n ** 62n;
    const fees = await fx.technical('fees');
    await funded(1n); // external:bank is below zero: two halves of BIGINT's range more would pass its least value
    const bankBefore = await fx.balance(bank);
    const feesBefore = await fx.balance(fees);
    const alice = await fx.account(await fx.user());
    const bob = await fx.account(await fx.user());
    const [toAlice, toBob, moreToAlice] = await Promise.all([
      fx.payment(initiator, bank, alice),
      fx.payment(initiator, bank, bob),
      fx.payment(initiator, fees, alice),
    ]);

    // Each alone fits; together they would take the technical account external:bank past it.
    const batch = await commands.execute(
      new PostOperations([
        { paymentId: toAlice, legs: transfer(bank, alice, half) },
        { paymentId: toBob, legs: transfer(bank, bob, half) },
      ]),
    );
    expect(batch).toEqual([
      { paymentId: toAlice, status: 'COMPLETED' },
      { paymentId: toBob, status: 'FAILED', failureReason: 'AMOUNT_OUT_OF_RANGE' },
    ]);
    expect(await fx.operationCount(toBob)).toBe(0);
    expect(await fx.balance(bank)).toBe(bankBefore - half);
    expect(await fx.balance(bob)).toBe(0n);

    // A user account's balance has the same ceiling: fees could give it, alice could not hold it.
    expect(await post(moreToAlice, transfer(fees, alice, half))).toEqual([
      expect.objectContaining({ status: 'FAILED', failureReason: 'AMOUNT_OUT_OF_RANGE' }),
    ]);
    expect(await fx.balance(alice)).toBe(half);
    expect(await fx.balance(fees)).toBe(feesBefore);

    // Back where it came from, for the tests after this one.
    expect(await post(await fx.payment(initiator, alice, bank), transfer(alice, bank, half))).toEqual([
      expect.objectContaining({ status: 'COMPLETED' }),
    ]);
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

  it('places a hold, saying until when, and releases it when the posting settles it', async () => {
    const alice = await funded(1_000n);
    const payment = await fx.payment(initiator, alice, bank);
    const hold = { accountId: alice, currency: 'USD', amount: 400n, ttlMs: 60_000 };
    const [placed] = await commands.execute(new PostOperations([{ paymentId: payment, legs: [], hold }]));
    const [row] = await db.query(`SELECT amount, expires_at FROM holds WHERE payment_id = $1`, [payment]);
    expect(placed).toEqual({ paymentId: payment, status: 'AUTHORIZED', expiresAt: row.expires_at });
    expect(row.amount).toBe('400');
    const [{ held_balance: held }] = await db.query(`SELECT held_balance FROM accounts WHERE id = $1`, [alice]);
    expect(held).toBe('400');
    expect(await commands.execute(new PostOperations([{ paymentId: payment, legs: [], settles: 'VOIDED' }]))).toEqual([
      { paymentId: payment, status: 'VOIDED' },
    ]);
    expect(await db.query(`SELECT held_balance FROM accounts WHERE id = $1`, [alice])).toEqual([{ held_balance: '0' }]);
    expect(await db.query(`SELECT 1 FROM holds WHERE payment_id = $1`, [payment])).toEqual([]);
    expect(await fx.balance(alice)).toBe(1_000n);
  });

  it('refuses a batch that posts one payment twice before touching anything', async () => {
    const alice = await funded(1_000n);
    const bob = await fx.account(await fx.user());
    const payment = await fx.payment(initiator, alice, bob);
    const twice = new PostOperations(
      [1n, 2n].map((amount) => ({ paymentId: payment, legs: transfer(alice, bob, amount) })),
    );
    await expect(commands.execute(twice)).rejects.toThrow('a payment twice in one batch');
    expect(await fx.operationCount(payment)).toBe(0);
    expect(await fx.balance(alice)).toBe(1_000n);
  });

  it('survives hundreds of concurrent postings over a few accounts, in both directions, without deadlock or overdraft', async () => {
    const accounts = await Promise.all([funded(5_000n), funded(5_000n), funded(5_000n), funded(5_000n)]);
    const fees = await fx.technical('fees');
    const feesBefore = await fx.balance(fees);
    // i → i+1, i+2, i+3 over four accounts: every pair is paid in both directions.
    const jobs = Array.from({ length: 300 }, (_, i) => ({
      from: accounts[i % 4],
      to: accounts[(i + 1 + (i % 3)) % 4],
      amount: BigInt(100 + (i % 7) * 150),
    }));
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
        ...Array.from({ length: odd.length / 5 }, (_, b) =>
          commands.execute(new PostOperations(odd.slice(b * 5, b * 5 + 5).map(postingOf))),
        ),
      ])
    ).flat();

    expect(outcomes).toHaveLength(300);
    expect(outcomes.every((o) => o.status === 'COMPLETED' || o.status === 'FAILED')).toBe(true);
    const held = (await Promise.all(accounts.map((a) => fx.balance(a)))).reduce((a, b) => a + b, 0n);
    const completed = outcomes.filter((o) => o.status === 'COMPLETED').length;
    expect(completed).toBeGreaterThan(0);
    expect((await fx.balance(fees)) - feesBefore).toBe(BigInt(completed));
    expect(held + BigInt(completed)).toBe(20_000n);
  });

  it('keeps every invariant over random sequences of postings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            from: fc.nat(3),
            to: fc.nat(3),
            amount: fc.bigInt({ min: 1n, max: 3_000n }),
            batch: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (steps) => {
          const accounts = await Promise.all([
            funded(2_000n),
            funded(2_000n),
            fx.account(await fx.user()),
            funded(500n),
          ]);
          const expected = [2_000n, 2_000n, 0n, 500n];
          const valid = steps.filter((s) => s.from !== s.to);
          const postings = await Promise.all(
            valid.map(async (s) => ({
              step: s,
              paymentId: await fx.payment(initiator, accounts[s.from], accounts[s.to]),
            })),
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
          expect(await fx.invariants()).toEqual({
            negativeUserAccounts: 0,
            mismatched: 0,
            unbalancedCurrencies: 0,
            unbalancedPayments: 0,
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('lets the database itself refuse changes to operations and negative user balances', async () => {
    const alice = await funded(100n);
    await expect(db.query(`UPDATE operations SET amount = amount * 2 WHERE account_id = $1`, [alice])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query(`DELETE FROM operations WHERE account_id = $1`, [alice])).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE accounts SET balance = -1 WHERE id = $1`, [alice])).rejects.toThrow(
      /accounts_user_available_not_negative/,
    );
  });

  it('never lets a row that payments and operations refer to go away', async () => {
    const alice = await funded(100n);
    const [{ payment_id: paymentId }] = await db.query<Array<{ payment_id: string }>>(
      `SELECT payment_id FROM operations WHERE account_id = $1`,
      [alice],
    );
    const [{ user_id: userId }] = await db.query<Array<{ user_id: string }>>(
      `SELECT user_id FROM accounts WHERE id = $1`,
      [alice],
    );
    for (const [table, id] of [
      ['payments', paymentId],
      ['accounts', alice],
      ['users', userId],
    ]) {
      await expect(db.query(`DELETE FROM ${table} WHERE id = $1`, [id])).rejects.toThrow(
        `${table} rows are permanent: DELETE refused`,
      );
      await expect(db.query(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(`rows are permanent: TRUNCATE refused`);
    }
    expect(await db.query(`SELECT count(*)::int AS n FROM payments WHERE id = $1`, [paymentId])).toEqual([{ n: 1 }]);
  });
});
