import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { BatchStatement, retryingTransaction } from '#platform';
import { DataSource, type EntityManager } from 'typeorm';
import { assertBalanced } from '../../domain/balance-check.js';
import type { Posting, PostingOutcome } from '../../domain/posting.js';
import { applyPostings } from '../../domain/batch.js';
import { accountsOf, readAccounts } from '../../domain/ledger-accounts.js';
import { PostOperations } from './post-operations.command.js';

const FIND_HOLDS = new BatchStatement(
  `SELECT payment_id, account_id, amount FROM holds WHERE payment_id = ANY($1::uuid[])`,
);

/** The holds released and placed: a placed one expires that long after the transaction began. */
const MOVE_HOLDS = new BatchStatement(
  `WITH released AS (DELETE FROM holds WHERE payment_id = ANY($1::uuid[]))
   INSERT INTO holds (payment_id, account_id, amount, expires_at)
   SELECT id, account_id, amount, now() + ms * interval '1 millisecond'
     FROM unnest($2::uuid[], $3::uuid[], $4::int8[], $5::int8[]) AS h(id, account_id, amount, ms)
   RETURNING payment_id, expires_at`,
);

/**
 * One statement appends the operations and sets the balances. Operations are timed when this
 * statement starts, after the account locks are taken, not when the transaction did: an account's
 * operations are then in time order, which balances as of a moment rely on.
 */
const POST = new BatchStatement(
  `WITH appended AS (
     INSERT INTO operations (id, payment_id, leg, account_id, type, amount, currency, balance_after, created_at)
     SELECT *, statement_timestamp() FROM unnest($1::uuid[], $2::uuid[], $3::int2[], $4::uuid[], $5::text[], $6::int8[],
                                                 $7::text[], $8::int8[])
   )
   UPDATE accounts a SET balance = v.balance, held_balance = v.held
     FROM unnest($9::uuid[], $10::int8[], $11::int8[]) AS v(id, balance, held) WHERE a.id = v.id`,
);

@CommandHandler(PostOperations)
export class PostOperationsHandler implements ICommandHandler<PostOperations> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ postings, within }: PostOperations): Promise<PostingOutcome[]> {
    postings.forEach(assertBalanced);
    const payments = new Set(postings.map((p) => p.paymentId));
    if (payments.size < postings.length) throw new Error('a payment twice in one batch');
    assertUnitsContiguous(postings);
    if (!postings.length) return [];
    return within ? this.post(within, postings) : retryingTransaction(this.db, (tx) => this.post(tx, postings));
  }

  private async post(tx: EntityManager, postings: Posting[]): Promise<PostingOutcome[]> {
    const settling = postings.filter((p) => p.settles).map((p) => p.paymentId);
    type HoldRow = { payment_id: string; account_id: string; amount: string };
    const held = settling.length ? await FIND_HOLDS.run<HoldRow[]>(tx, [settling]) : [];
    const released = new Map(held.map((r) => [r.payment_id, { accountId: r.account_id, amount: BigInt(r.amount) }]));
    const accounts = await readAccounts(tx, accountsOf(postings, released), { lock: true });
    const { operations, placed, touched, decided } = applyPostings(postings, accounts, released);

    const expiryOf = new Map<string, Date>();
    if (released.size || placed.length) {
      const expiries = await MOVE_HOLDS.run<Array<{ payment_id: string; expires_at: Date }>>(tx, [
        [...released.keys()],
        placed.map((h) => h.paymentId),
        placed.map((h) => h.accountId),
        placed.map((h) => h.amount.toString()),
        placed.map((h) => h.ttlMs),
      ]);
      for (const r of expiries) expiryOf.set(r.payment_id, r.expires_at);
    }
    if (touched.size) {
      const changed = [...touched];
      await POST.run(tx, [
        operations.map((o) => o.id),
        operations.map((o) => o.paymentId),
        operations.map((o) => o.leg),
        operations.map((o) => o.accountId),
        operations.map((o) => o.type),
        operations.map((o) => o.amount.toString()),
        operations.map((o) => o.currency),
        operations.map((o) => o.balanceAfter.toString()),
        changed,
        changed.map((id) => accounts.get(id)!.balance.toString()),
        changed.map((id) => accounts.get(id)!.held.toString()),
      ]);
    }
    return decided.map((d) => (d.status === 'AUTHORIZED' ? { ...d, expiresAt: expiryOf.get(d.paymentId)! } : d));
  }
}

/** A unit split by another posting would be applied as two units: all or none would not hold. */
function assertUnitsContiguous(postings: Posting[]): void {
  const ended = new Set<string>();
  postings.forEach((p, i) => {
    const previous = postings[i - 1]?.unit;
    if (previous !== undefined && previous !== p.unit) ended.add(previous);
    if (p.unit !== undefined && ended.has(p.unit)) throw new Error(`unit ${p.unit} is split in the batch`);
  });
}
