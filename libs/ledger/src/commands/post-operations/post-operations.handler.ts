import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { PreparedStatement } from '#platform';
import { v7 as uuidv7 } from 'uuid';
import { DataSource, type EntityManager } from 'typeorm';
import { assertBalanced } from '../../domain/balance-check.js';
import type { FailureReason, Posting, PostingOutcome } from '../../domain/posting.js';
import { type LockedAccount, refusalOf } from '../../domain/refusal.js';
import { PostOperations } from './post-operations.command.js';

// Lock order, the same in every transaction so none can deadlock another: payments by id, then
// accounts by id. NO KEY UPDATE, not UPDATE: only balances and statuses change, and no key ever
// does. By primary key alone, the status checked on the rows read: those already final are told
// apart from those that do not exist.
const LOCK_PAYMENTS = new PreparedStatement(`SELECT id, status FROM payments WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`);
const LOCK_ACCOUNTS = new PreparedStatement(`SELECT id, type, currency, balance FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`);

/** One statement appends the operations, sets the balances and finishes the payments. */
const POST = new PreparedStatement(
  `WITH appended AS (
     INSERT INTO operations (id, payment_id, leg, account_id, type, amount, currency, balance_after)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int2[], $4::uuid[], $5::text[], $6::int8[], $7::text[], $8::int8[])
   ), balanced AS (
     UPDATE accounts a SET balance = v.balance FROM unnest($9::uuid[], $10::int8[]) AS v(id, balance) WHERE a.id = v.id
   )
   UPDATE payments p SET status = v.status, failure_reason = v.reason, processed_at = clock_timestamp()
     FROM unnest($11::uuid[], $12::text[], $13::text[]) AS v(id, status, reason)
    WHERE p.id = v.id
    RETURNING p.id, p.processed_at`,
);

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

@CommandHandler(PostOperations)
export class PostOperationsHandler implements ICommandHandler<PostOperations> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ postings }: PostOperations): Promise<PostingOutcome[]> {
    postings.forEach(assertBalanced);
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
    // A payment that is no longer INITIATED is left alone (exactly once).
    const paymentIds = [...new Set(postings.map((p) => p.paymentId))].sort();
    const locked = await LOCK_PAYMENTS.run<Array<{ id: string; status: string }>>(tx, [paymentIds]);
    const initiated = new Set(locked.filter((r) => r.status === 'INITIATED').map((r) => r.id));
    const live = postings.filter((p) => initiated.delete(p.paymentId));
    const accountIds = [...new Set(live.flatMap((p) => p.legs.map((l) => l.accountId)))].sort();
    const accounts = new Map<string, LockedAccount>(
      (await LOCK_ACCOUNTS.run<Array<{ id: string; type: LockedAccount['type']; currency: string; balance: string }>>(tx, [accountIds])).map((r) => [
        r.id,
        { type: r.type, currency: r.currency.trim(), balance: BigInt(r.balance) },
      ]),
    );

    const operations: Array<{ id: string; paymentId: string; leg: number; accountId: string; type: string; amount: bigint; currency: string; balanceAfter: bigint }> = [];
    const decisions: Array<{ paymentId: string; failureReason: FailureReason | null }> = [];
    for (const posting of live) {
      // Against the balances as the batch's earlier postings left them.
      const failureReason = refusalOf(posting, accounts);
      decisions.push({ paymentId: posting.paymentId, failureReason });
      if (failureReason) continue;
      posting.legs.forEach((leg, index) => {
        const account = accounts.get(leg.accountId)!;
        account.balance += leg.amount;
        operations.push({ id: uuidv7(), paymentId: posting.paymentId, leg: index, ...leg, balanceAfter: account.balance });
      });
    }

    if (!decisions.length) return postings.map((p) => ({ paymentId: p.paymentId, status: 'ALREADY_FINAL' as const }));

    const touched = [...new Set(operations.map((o) => o.accountId))];
    const finished = await POST.run<[Array<{ id: string; processed_at: Date }>, number]>(tx, [
      operations.map((o) => o.id),
      operations.map((o) => o.paymentId),
      operations.map((o) => o.leg),
      operations.map((o) => o.accountId),
      operations.map((o) => o.type),
      operations.map((o) => o.amount.toString()),
      operations.map((o) => o.currency),
      operations.map((o) => o.balanceAfter.toString()),
      touched,
      touched.map((id) => accounts.get(id)!.balance.toString()),
      decisions.map((d) => d.paymentId),
      decisions.map((d) => (d.failureReason ? 'FAILED' : 'COMPLETED')),
      decisions.map((d) => d.failureReason),
    ]);
    const processedAt = new Map(finished[0].map((r) => [r.id, r.processed_at]));
    const decided = new Map(decisions.map((d) => [d.paymentId, d]));
    return postings.map((p): PostingOutcome => {
      const decision = decided.get(p.paymentId);
      decided.delete(p.paymentId);
      if (!decision) return { paymentId: p.paymentId, status: 'ALREADY_FINAL' };
      const at = processedAt.get(p.paymentId)!;
      return decision.failureReason
        ? { paymentId: p.paymentId, status: 'FAILED', failureReason: decision.failureReason, processedAt: at }
        : { paymentId: p.paymentId, status: 'COMPLETED', processedAt: at };
    });
  }
}
