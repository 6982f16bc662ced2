import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { type Leg, LedgerModule, UnbalancedPosting } from '#ledger';
import { PaymentPostings } from '#payments';
import { PlatformModule } from '#platform';
import { ledgerContext, transfer } from './support/ledger-fixtures.js';

@Module({ imports: [PlatformModule, CqrsModule, LedgerModule], providers: [PaymentPostings] })
class PaymentPostingsTestModule {}

/** The payment state machine: payments moved on from what the ledger did, in its transaction, exactly once. */
describe('payment postings (PaymentPostings against real PostgreSQL)', () => {
  const c = ledgerContext(PaymentPostingsTestModule);
  const postings = () => c.app.get(PaymentPostings);

  const post = (paymentId: string, legs: Leg[]) => postings().post([{ paymentId, legs }]);
  const row = async (paymentId: string) =>
    (
      await c.db.query(
        `SELECT status, failure_reason, processed_at, authorized_amount, expires_at, amount FROM payments WHERE id = $1`,
        [paymentId],
      )
    )[0];

  const funded = async (amount: bigint) => {
    const account = await c.fx.account(await c.fx.user());
    expect(await post(await c.fx.payment(c.initiator, c.bank, account), transfer(c.bank, account, amount))).toEqual([
      expect.objectContaining({ status: 'COMPLETED' }),
    ]);
    return account;
  };

  it('completes a posted payment, or fails it with its reason, with the time it was processed', async () => {
    const alice = await funded(1_000n);
    const bob = await c.fx.account(await c.fx.user());
    const [paid, unaffordable] = await Promise.all([
      c.fx.payment(c.initiator, alice, bob),
      c.fx.payment(c.initiator, alice, bob),
    ]);
    const outcomes = await postings().post([
      { paymentId: paid, legs: transfer(alice, bob, 600n) },
      { paymentId: unaffordable, legs: transfer(alice, bob, 600n) },
    ]);
    expect(outcomes).toEqual([
      { paymentId: paid, status: 'COMPLETED', processedAt: expect.any(Date) },
      { paymentId: unaffordable, status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS', processedAt: expect.any(Date) },
    ]);
    expect(await row(paid)).toMatchObject({
      status: 'COMPLETED',
      failure_reason: null,
      processed_at: (outcomes[0] as { processedAt: Date }).processedAt,
    });
    expect(await row(unaffordable)).toMatchObject({
      status: 'FAILED',
      failure_reason: 'INSUFFICIENT_FUNDS',
      processed_at: expect.any(Date),
    });
    expect(await c.fx.operationCount(unaffordable)).toBe(0);
    expect(await c.fx.balance(alice)).toBe(400n);
  });

  it('posts a payment once however often it is posted, also concurrently', async () => {
    const alice = await funded(1_000n);
    const bob = await c.fx.account(await c.fx.user());
    const payment = await c.fx.payment(c.initiator, alice, bob);
    const outcomes = (
      await Promise.all(Array.from({ length: 10 }, () => post(payment, transfer(alice, bob, 300n))))
    ).flat();
    expect(outcomes.filter((o) => o.status === 'COMPLETED')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'SKIPPED')).toHaveLength(9);
    expect(await c.fx.operationCount(payment)).toBe(2);
    expect(await c.fx.balance(alice)).toBe(700n);
    expect(await post(payment, transfer(alice, bob, 300n))).toEqual([{ paymentId: payment, status: 'SKIPPED' }]);
    // A payment twice in one batch: its first posting only.
    const again = await c.fx.payment(c.initiator, alice, bob);
    expect(
      await postings().post([100n, 200n].map((amount) => ({ paymentId: again, legs: transfer(alice, bob, amount) }))),
    ).toEqual([
      { paymentId: again, status: 'COMPLETED', processedAt: expect.any(Date) },
      { paymentId: again, status: 'SKIPPED' },
    ]);
    expect(await c.fx.balance(alice)).toBe(600n);
  });

  it('authorizes a held payment with its hold terms, settles only an AUTHORIZED one, and only once', async () => {
    const alice = await funded(1_000n);
    const payment = await c.fx.payment(c.initiator, alice, c.bank);
    await c.db.query(`UPDATE payments SET capture = 'manual' WHERE id = $1`, [payment]);
    const hold = { accountId: alice, currency: 'USD', amount: 1n, ttlMs: 60_000 };
    expect(await postings().post([{ paymentId: payment, legs: [], settles: 'VOIDED' }])).toEqual([
      { paymentId: payment, status: 'SKIPPED' },
    ]);
    const [authorized] = await postings().post([{ paymentId: payment, legs: [], hold }]);
    const [{ expires_at: holdExpiry }] = await c.db.query(`SELECT expires_at FROM holds WHERE payment_id = $1`, [
      payment,
    ]);
    expect(authorized).toEqual({ paymentId: payment, status: 'AUTHORIZED', expiresAt: holdExpiry });
    expect(await row(payment)).toEqual({
      status: 'AUTHORIZED',
      failure_reason: null,
      processed_at: null,
      authorized_amount: '1',
      expires_at: holdExpiry,
      amount: '1',
    });
    expect(await postings().post([{ paymentId: payment, legs: [], hold }])).toEqual([
      { paymentId: payment, status: 'SKIPPED' },
    ]);

    const voids = (
      await Promise.all([1, 2, 3].map(() => postings().post([{ paymentId: payment, legs: [], settles: 'VOIDED' }])))
    ).flat();
    expect(voids.filter((o) => o.status === 'VOIDED')).toEqual([
      { paymentId: payment, status: 'VOIDED', processedAt: expect.any(Date) },
    ]);
    expect(await row(payment)).toMatchObject({
      status: 'VOIDED',
      processed_at: expect.any(Date),
      authorized_amount: '1',
      expires_at: holdExpiry,
    });
    expect(await c.db.query(`SELECT 1 FROM holds WHERE payment_id = $1`, [payment])).toEqual([]);
  });

  it('leaves the payment INITIATED when the ledger refuses unbalanced legs', async () => {
    const alice = await funded(1_000n);
    const bob = await c.fx.account(await c.fx.user());
    const payment = await c.fx.payment(c.initiator, alice, bob);
    const legs: Leg[] = [
      { accountId: alice, currency: 'USD', amount: -100n, type: 'TRANSFER' },
      { accountId: bob, currency: 'USD', amount: 99n, type: 'TRANSFER' },
    ];
    await expect(post(payment, legs)).rejects.toBeInstanceOf(UnbalancedPosting);
    expect(await c.fx.status(payment)).toEqual({ status: 'INITIATED', failure_reason: null });
  });

  it('finishes every payment of concurrent postings, alone and in batches, none left INITIATED', async () => {
    const accounts = await Promise.all([funded(3_000n), funded(3_000n), funded(3_000n)]);
    const jobs = Array.from({ length: 60 }, (_, i) => ({
      from: accounts[i % 3],
      to: accounts[(i + 1 + (i % 2)) % 3],
      amount: BigInt(100 + (i % 5) * 300),
    }));
    const paymentIds = await Promise.all(jobs.map((j) => c.fx.payment(c.initiator, j.from, j.to)));
    const postingOf = (i: number) => ({
      paymentId: paymentIds[i],
      legs: transfer(jobs[i].from, jobs[i].to, jobs[i].amount),
    });
    const outcomes = (
      await Promise.all([
        ...jobs
          .map((_, i) => i)
          .filter((i) => i % 2 === 0)
          .map((i) => postings().post([postingOf(i)])),
        ...Array.from({ length: 6 }, (_, b) => postings().post([1, 3, 5, 7, 9].map((k) => postingOf(b * 10 + k)))),
      ])
    ).flat();
    expect(outcomes).toHaveLength(60);
    expect(outcomes.every((o) => o.status === 'COMPLETED' || o.status === 'FAILED')).toBe(true);
    const [{ initiated }] = await c.db.query(
      `SELECT count(*)::int AS initiated FROM payments WHERE id = ANY($1::uuid[]) AND status = 'INITIATED'`,
      [paymentIds],
    );
    expect(initiated).toBe(0);
  });

  it('finishes a payment in place: a HOT update, which writes no index entry', async () => {
    // PostgreSQL updates a row HOT when no index names a changed column and the page has room.
    const indexes = await c.db.query<
      Array<{
        definition: string;
      }>
    >(`SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indrelid = 'payments'::regclass`);
    expect(indexes.length).toBeGreaterThanOrEqual(6);
    for (const { definition } of indexes)
      expect(definition.split(' USING ')[1]).not.toMatch(/\b(status|failure_reason|processed_at)\b/);
    expect(await c.db.query(`SELECT reloptions FROM pg_class WHERE oid = 'payments'::regclass`)).toEqual([
      { reloptions: ['fillfactor=50'] },
    ]);

    const alice = await funded(1_000n);
    const bob = await c.fx.account(await c.fx.user());
    const page = async (payment: string) =>
      (await c.db.query(`SELECT (ctid::text::point)[0] AS page FROM payments WHERE id = $1`, [payment]))[0]
        .page as number;
    for (const outcome of ['COMPLETED', 'FAILED']) {
      const payment = await c.fx.payment(c.initiator, alice, bob);
      const before = await page(payment);
      expect(await post(payment, transfer(alice, bob, outcome === 'COMPLETED' ? 100n : 1_000_000n))).toEqual([
        expect.objectContaining({ status: outcome }),
      ]);
      expect(await page(payment)).toBe(before);
    }
  });
});
