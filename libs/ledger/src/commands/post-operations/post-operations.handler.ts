import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { BatchStatement } from '#platform';
import { v7 as uuidv7 } from 'uuid';
import { DataSource, type EntityManager } from 'typeorm';
import { assertBalanced } from '../../domain/balance-check.js';
import type { FailureReason, Posting, PostingOutcome, Settlement } from '../../domain/posting.js';
import { type LockedAccount, refusalOf } from '../../domain/refusal.js';
import { PostOperations } from './post-operations.command.js';

// Lock order, the same in every transaction so none can deadlock another: payments by id, then
// accounts by id. NO KEY UPDATE, not UPDATE: only balances and statuses change, and no key ever
// does. By primary key alone, the status checked on the rows read: those already moved on are told
// apart from those that do not exist. A payment's hold changes only under its payment's lock, so
// reading it needs no lock of its own.
const LOCK_PAYMENTS = new BatchStatement(`SELECT id, status FROM payments WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`);
const LOCK_ACCOUNTS = new BatchStatement(
  `SELECT id, type, currency, balance, held_balance, frozen_mode, closed_at IS NOT NULL AS closed FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
);
const FIND_HOLDS = new BatchStatement(`SELECT payment_id, account_id, amount FROM holds WHERE payment_id = ANY($1::uuid[])`);

/**
 * One statement appends the operations, sets the balances and moves the payments on. An
 * AUTHORIZED payment stays unfinished (no processed_at) and records what it holds, until when.
 * Operations are timed when this statement starts, after the account locks are taken, not when
 * the transaction did: an account's operations are then in time order, which balances as of a
 * moment rely on.
 */
const POST = new BatchStatement(
  `WITH appended AS (
     INSERT INTO operations (id, payment_id, leg, account_id, type, amount, currency, balance_after, created_at)
     SELECT *, statement_timestamp() FROM unnest($1::uuid[], $2::uuid[], $3::int2[], $4::uuid[], $5::text[], $6::int8[], $7::text[], $8::int8[])
   ), balanced AS (
     UPDATE accounts a SET balance = v.balance, held_balance = v.held
       FROM unnest($9::uuid[], $10::int8[], $11::int8[]) AS v(id, balance, held) WHERE a.id = v.id
   )
   UPDATE payments p
      SET status = v.status, failure_reason = v.reason,
          processed_at = CASE WHEN v.status = 'AUTHORIZED' THEN NULL ELSE clock_timestamp() END,
          authorized_amount = CASE WHEN v.status = 'AUTHORIZED' THEN p.amount ELSE p.authorized_amount END,
          expires_at = CASE WHEN v.status = 'AUTHORIZED' THEN now() + v.hold_ms * interval '1 millisecond' ELSE p.expires_at END
     FROM unnest($12::uuid[], $13::text[], $14::text[], $15::int8[]) AS v(id, status, reason, hold_ms)
    WHERE p.id = v.id
    RETURNING p.id, p.processed_at, p.expires_at`,
);

/** The holds released and placed; a placed one expires when its payment says (the same now()). */
const MOVE_HOLDS = new BatchStatement(
  `WITH released AS (DELETE FROM holds WHERE payment_id = ANY($1::uuid[]))
   INSERT INTO holds (payment_id, account_id, amount, expires_at)
   SELECT id, account_id, amount, now() + ms * interval '1 millisecond' FROM unnest($2::uuid[], $3::uuid[], $4::int8[], $5::int8[]) AS h(id, account_id, amount, ms)`,
);

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

interface Decision {
  paymentId: string;
  status: 'AUTHORIZED' | 'FAILED' | Settlement;
  failureReason: FailureReason | null;
  holdMs: number | null;
}

@CommandHandler(PostOperations)
export class PostOperationsHandler implements ICommandHandler<PostOperations> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ postings, within }: PostOperations): Promise<PostingOutcome[]> {
    postings.forEach(assertBalanced);
    if (within) return this.post(within, postings);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.post(tx, postings));
      } catch (error) {
        const code = (error as { driverError?: { code?: string } }).driverError?.code;
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async post(tx: EntityManager, postings: Posting[]): Promise<PostingOutcome[]> {
    // A payment no longer in the status the posting acts on is left alone (exactly once).
    const paymentIds = [...new Set(postings.map((p) => p.paymentId))].sort();
    const locked = await LOCK_PAYMENTS.run<Array<{ id: string; status: string }>>(tx, [paymentIds]);
    const actionable = new Map(locked.map((r) => [r.id, r.status]));
    const live = postings.filter((p) => actionable.get(p.paymentId) === (p.settles ? 'AUTHORIZED' : 'INITIATED') && actionable.delete(p.paymentId));
    const settling = live.filter((p) => p.settles).map((p) => p.paymentId);
    const released = new Map(
      (settling.length ? await FIND_HOLDS.run<Array<{ payment_id: string; account_id: string; amount: string }>>(tx, [settling]) : []).map((r) => [
        r.payment_id,
        { accountId: r.account_id, amount: BigInt(r.amount) },
      ]),
    );
    const accountIds = [
      ...new Set([...live.flatMap((p) => [...p.legs.map((l) => l.accountId), ...(p.hold ? [p.hold.accountId] : [])]), ...[...released.values()].map((h) => h.accountId)]),
    ].sort();
    const accounts = new Map<string, LockedAccount>(
      (await LOCK_ACCOUNTS.run<Array<{ id: string; type: LockedAccount['type']; currency: string; balance: string; held_balance: string; frozen_mode: LockedAccount['frozen']; closed: boolean }>>(tx, [accountIds])).map((r) => [
        r.id,
        { type: r.type, currency: r.currency.trim(), balance: BigInt(r.balance), held: BigInt(r.held_balance), frozen: r.frozen_mode, closed: r.closed },
      ]),
    );

    const operations: Array<{ id: string; paymentId: string; leg: number; accountId: string; type: string; amount: bigint; currency: string; balanceAfter: bigint }> = [];
    const placed: Array<{ paymentId: string; accountId: string; amount: bigint; ttlMs: number }> = [];
    const touched = new Set<string>();
    const decisions: Decision[] = [];
    for (const posting of live) {
      if (posting.settles) {
        const hold = released.get(posting.paymentId);
        if (!hold) throw new Error(`payment ${posting.paymentId} is AUTHORIZED without a live hold`);
        accounts.get(hold.accountId)!.held -= hold.amount;
        touched.add(hold.accountId);
      }
      // Against the balances as the batch's earlier postings left them.
      const failureReason = refusalOf(posting, accounts);
      const status = failureReason ? 'FAILED' : posting.hold ? 'AUTHORIZED' : (posting.settles ?? 'COMPLETED');
      decisions.push({ paymentId: posting.paymentId, status, failureReason, holdMs: status === 'AUTHORIZED' ? posting.hold!.ttlMs : null });
      if (failureReason) continue;
      if (posting.hold) {
        accounts.get(posting.hold.accountId)!.held += posting.hold.amount;
        touched.add(posting.hold.accountId);
        placed.push({ paymentId: posting.paymentId, ...posting.hold });
      }
      posting.legs.forEach((leg, index) => {
        const account = accounts.get(leg.accountId)!;
        account.balance += leg.amount;
        touched.add(leg.accountId);
        operations.push({ id: uuidv7(), paymentId: posting.paymentId, leg: index, ...leg, balanceAfter: account.balance });
      });
    }

    if (!decisions.length) return postings.map((p) => ({ paymentId: p.paymentId, status: 'SKIPPED' as const }));

    if (released.size || placed.length) {
      await MOVE_HOLDS.run(tx, [
        [...released.keys()],
        placed.map((h) => h.paymentId),
        placed.map((h) => h.accountId),
        placed.map((h) => h.amount.toString()),
        placed.map((h) => h.ttlMs),
      ]);
    }
    const accountsTouched = [...touched];
    const moved = await POST.run<[Array<{ id: string; processed_at: Date | null; expires_at: Date | null }>, number]>(tx, [
      operations.map((o) => o.id),
      operations.map((o) => o.paymentId),
      operations.map((o) => o.leg),
      operations.map((o) => o.accountId),
      operations.map((o) => o.type),
      operations.map((o) => o.amount.toString()),
      operations.map((o) => o.currency),
      operations.map((o) => o.balanceAfter.toString()),
      accountsTouched,
      accountsTouched.map((id) => accounts.get(id)!.balance.toString()),
      accountsTouched.map((id) => accounts.get(id)!.held.toString()),
      decisions.map((d) => d.paymentId),
      decisions.map((d) => d.status),
      decisions.map((d) => d.failureReason),
      decisions.map((d) => d.holdMs),
    ]);
    const rowOf = new Map(moved[0].map((r) => [r.id, r]));
    const decided = new Map(decisions.map((d) => [d.paymentId, d]));
    return postings.map((p): PostingOutcome => {
      const decision = decided.get(p.paymentId);
      decided.delete(p.paymentId);
      if (!decision) return { paymentId: p.paymentId, status: 'SKIPPED' };
      const row = rowOf.get(p.paymentId)!;
      if (decision.status === 'AUTHORIZED') return { paymentId: p.paymentId, status: 'AUTHORIZED', expiresAt: row.expires_at! };
      return decision.failureReason
        ? { paymentId: p.paymentId, status: 'FAILED', failureReason: decision.failureReason, processedAt: row.processed_at! }
        : { paymentId: p.paymentId, status: decision.status as Settlement, processedAt: row.processed_at! };
    });
  }
}
