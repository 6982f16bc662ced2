import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { BatchStatement, retryingTransaction } from '#platform';
import { v7 as uuidv7 } from 'uuid';
import { DataSource, type EntityManager } from 'typeorm';
import { assertBalanced } from '../../domain/balance-check.js';
import type { Posting, PostingOutcome } from '../../domain/posting.js';
import { type LockedAccount, refusalOf } from '../../domain/refusal.js';
import { PostOperations } from './post-operations.command.js';

// Accounts by id, the same order in every transaction so none can deadlock another. NO KEY UPDATE,
// not UPDATE: only balances change, and no key ever does. A payment's hold changes only under its
// payment's lock, which the caller holds, so reading it needs no lock of its own.
const LOCK_ACCOUNTS = new BatchStatement(
  `SELECT id, type, currency, balance, held_balance, frozen_mode, closed_at IS NOT NULL AS closed FROM accounts
    WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
);
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

interface Operation {
  id: string;
  paymentId: string;
  leg: number;
  accountId: string;
  type: string;
  amount: bigint;
  currency: string;
  balanceAfter: bigint;
}

@CommandHandler(PostOperations)
export class PostOperationsHandler implements ICommandHandler<PostOperations> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ postings, within }: PostOperations): Promise<PostingOutcome[]> {
    postings.forEach(assertBalanced);
    const payments = new Set(postings.map((p) => p.paymentId));
    if (payments.size < postings.length) throw new Error('a payment twice in one batch');
    if (!postings.length) return [];
    return within ? this.post(within, postings) : retryingTransaction(this.db, (tx) => this.post(tx, postings));
  }

  private async post(tx: EntityManager, postings: Posting[]): Promise<PostingOutcome[]> {
    const settling = postings.filter((p) => p.settles).map((p) => p.paymentId);
    type HoldRow = { payment_id: string; account_id: string; amount: string };
    const held = settling.length ? await FIND_HOLDS.run<HoldRow[]>(tx, [settling]) : [];
    const released = new Map(held.map((r) => [r.payment_id, { accountId: r.account_id, amount: BigInt(r.amount) }]));
    const accountIds = new Set([...released.values()].map((h) => h.accountId));
    for (const p of postings) [...p.legs, ...(p.hold ? [p.hold] : [])].forEach((l) => accountIds.add(l.accountId));
    type AccountRow = Pick<LockedAccount, 'type' | 'currency' | 'closed'> & {
      id: string;
      balance: string;
      held_balance: string;
      frozen_mode: LockedAccount['frozen'];
    };
    const rows = await LOCK_ACCOUNTS.run<AccountRow[]>(tx, [[...accountIds].sort()]);
    const accounts = new Map<string, LockedAccount>(
      rows.map((r) => [
        r.id,
        {
          type: r.type,
          currency: r.currency.trim(),
          balance: BigInt(r.balance),
          held: BigInt(r.held_balance),
          frozen: r.frozen_mode,
          closed: r.closed,
        },
      ]),
    );

    const operations: Operation[] = [];
    const placed: Array<{ paymentId: string; accountId: string; amount: bigint; ttlMs: number }> = [];
    const touched = new Set<string>();
    // An AUTHORIZED outcome learns its expiry from the hold as written.
    type Decided = Exclude<PostingOutcome, { status: 'AUTHORIZED' }> | { paymentId: string; status: 'AUTHORIZED' };
    const decided: Decided[] = [];
    for (const posting of postings) {
      const { paymentId } = posting;
      if (posting.settles) {
        const hold = released.get(paymentId);
        if (!hold) throw new Error(`payment ${paymentId} is settled without a live hold`);
        accounts.get(hold.accountId)!.held -= hold.amount;
        touched.add(hold.accountId);
      }
      // Against the balances as the batch's earlier postings left them.
      const failureReason = refusalOf(posting, accounts);
      if (failureReason) {
        decided.push({ paymentId, status: 'FAILED', failureReason });
        continue;
      }
      if (posting.hold) {
        accounts.get(posting.hold.accountId)!.held += posting.hold.amount;
        touched.add(posting.hold.accountId);
        placed.push({ paymentId, ...posting.hold });
      }
      posting.legs.forEach((leg, index) => {
        const account = accounts.get(leg.accountId)!;
        account.balance += leg.amount;
        touched.add(leg.accountId);
        operations.push({ id: uuidv7(), paymentId, leg: index, ...leg, balanceAfter: account.balance });
      });
      decided.push({ paymentId, status: posting.hold ? 'AUTHORIZED' : (posting.settles ?? 'COMPLETED') });
    }

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
