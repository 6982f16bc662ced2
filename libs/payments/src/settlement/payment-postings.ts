import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { type FailureReason, type Posting, PostOperations, type Settlement } from '#ledger';
import { BatchStatement, retryingTransaction } from '#platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { PaymentStatus } from '../domain/payment.js';

/** What a posting did to its payment. */
export type PaymentOutcome =
  | { paymentId: string; status: Settlement; processedAt: Date }
  | { paymentId: string; status: 'AUTHORIZED'; expiresAt: Date }
  | { paymentId: string; status: 'FAILED'; failureReason: FailureReason; processedAt: Date }
  /** The payment was no longer in the status the posting acts on: another run moved it on; nothing was written. */
  | { paymentId: string; status: 'SKIPPED' };

/** A payment moved on from the status its posting acted on. */
export type MovedOn = Exclude<PaymentOutcome, { status: 'SKIPPED' }>;

// Payments by id, before the ledger locks any account: one lock order for every transaction. By
// primary key alone, the status checked on the rows read. NO KEY UPDATE: no key of a payment changes.
const LOCK_PAYMENTS = new BatchStatement(
  `SELECT id, status FROM payments WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
);

/**
 * The payments moved on from the ledger's outcomes. An AUTHORIZED payment stays unfinished (no
 * processed_at) and records what it holds, until when: its hold's expiry.
 */
const MOVE_PAYMENTS = new BatchStatement(
  `UPDATE payments p
      SET status = v.status, failure_reason = v.reason,
          processed_at = CASE WHEN v.status = 'AUTHORIZED' THEN NULL ELSE clock_timestamp() END,
          authorized_amount = CASE WHEN v.status = 'AUTHORIZED' THEN p.amount ELSE p.authorized_amount END,
          expires_at = CASE WHEN v.status = 'AUTHORIZED' THEN v.expires_at ELSE p.expires_at END
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS v(id, status, reason, expires_at)
    WHERE p.id = v.id
    RETURNING p.id, p.processed_at, p.group_id`,
);

/**
 * The groups whose every payment has moved on: COMPLETED, or FAILED when atomic and refused, with
 * the item that failed it and why (the one reason that is not GROUP_FAILED). Counted from the
 * payments themselves, through the (group_id, item_index) index.
 */
const SETTLE_GROUPS = new BatchStatement(
  `UPDATE payment_groups g
      SET status = CASE WHEN g.atomic AND s.failed > 0 THEN 'FAILED' ELSE 'COMPLETED' END,
          completed_count = s.completed, failed_count = s.failed,
          failed_item_index = CASE WHEN g.atomic THEN s.culprit_index END,
          failure_reason = CASE WHEN g.atomic THEN s.culprit_reason END,
          processed_at = clock_timestamp()
     FROM (SELECT group_id,
                  count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
                  count(*) FILTER (WHERE status = 'FAILED') AS failed,
                  (array_agg(item_index ORDER BY item_index)
                     FILTER (WHERE failure_reason <> 'GROUP_FAILED'))[1] AS culprit_index,
                  (array_agg(failure_reason ORDER BY item_index)
                     FILTER (WHERE failure_reason <> 'GROUP_FAILED'))[1] AS culprit_reason
             FROM payments WHERE group_id = ANY($1::uuid[])
            GROUP BY group_id HAVING count(*) FILTER (WHERE status = 'INITIATED') = 0) s
    WHERE g.id = s.group_id AND g.status = 'INITIATED'`,
);

/** A payment's posting acts on it in this status: an INITIATED one is posted, an AUTHORIZED one settled. */
const actsOn = (posting: Posting): PaymentStatus => (posting.settles ? 'AUTHORIZED' : 'INITIATED');

/**
 * Posts payments through the ledger and moves them on from what came of it, in one transaction:
 * the payment state machine is payments' own, the ledger writes only operations, balances and holds.
 * Each payment moves on from the status its posting acts on exactly once, however often it is posted,
 * and a payment group once its last payment has.
 */
@Injectable()
export class PaymentPostings {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commands: CommandBus,
  ) {}

  /**
   * In a transaction of its own, run again on a conflict: the payments locked, those still in the
   * status their posting acts on posted (the first posting of each), the others SKIPPED.
   */
  post(postings: Posting[]): Promise<PaymentOutcome[]> {
    return retryingTransaction(this.db, async (tx) => {
      const ids = [...new Set(postings.map((p) => p.paymentId))].sort();
      const locked = await LOCK_PAYMENTS.run<Array<{ id: string; status: PaymentStatus }>>(tx, [ids]);
      const due = new Map(locked.map((r) => [r.id, r.status]));
      const live = postings.filter((p) => due.get(p.paymentId) === actsOn(p) && due.delete(p.paymentId));
      const moved = new Map((await this.postLocked(tx, live)).map((o) => [o.paymentId, o]));
      return postings.map((p): PaymentOutcome => {
        const outcome = moved.get(p.paymentId);
        moved.delete(p.paymentId);
        return outcome ?? { paymentId: p.paymentId, status: 'SKIPPED' };
      });
    });
  }

  /**
   * In `tx`, whose caller has locked the payments of `postings` and found each in the status its
   * posting acts on: posted, and moved on.
   */
  async postLocked(tx: EntityManager, postings: Posting[]): Promise<MovedOn[]> {
    if (!postings.length) return [];
    const outcomes = await this.commands.execute(new PostOperations(postings, tx));
    type Moved = { id: string; processed_at: Date | null; group_id: string | null };
    const [rows] = await MOVE_PAYMENTS.run<[Moved[], number]>(tx, [
      outcomes.map((o) => o.paymentId),
      outcomes.map((o) => o.status),
      outcomes.map((o) => (o.status === 'FAILED' ? o.failureReason : null)),
      outcomes.map((o) => (o.status === 'AUTHORIZED' ? o.expiresAt.toISOString() : null)),
    ]);
    const groups = [...new Set(rows.flatMap((r) => (r.group_id ? [r.group_id] : [])))];
    if (groups.length) await SETTLE_GROUPS.run(tx, [groups]);
    const processedAt = new Map(rows.map((r) => [r.id, r.processed_at]));
    return outcomes.map((o) => (o.status === 'AUTHORIZED' ? o : { ...o, processedAt: processedAt.get(o.paymentId)! }));
  }
}
