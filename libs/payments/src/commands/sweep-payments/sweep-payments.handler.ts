import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, STATEMENT_TIMEOUT_MS } from '#platform';
import { DataSource } from 'typeorm';
import { ExpireHolds } from '../expire-holds/expire-holds.command.js';
import { PostPayments } from '../post-payments/post-payments.command.js';
import { SweepPayments, type SweepResult } from './sweep-payments.command.js';

// One sweep at a time across every worker and api instance.
const SWEEP_LOCK = 0x5eed_0001;
const BATCH = 500;
/**
 * A payment is stored by one INSERT statement, which the server cancels after STATEMENT_TIMEOUT_MS:
 * a payment created longer ago than this has committed (or never will), so a scan sees it.
 */
const SURELY_COMMITTED_AFTER_MS = 2 * STATEMENT_TIMEOUT_MS;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

@CommandHandler(SweepPayments)
export class SweepPaymentsHandler implements ICommandHandler<SweepPayments> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
  ) {}

  async execute({ olderThanMs, wait }: SweepPayments): Promise<SweepResult> {
    const session = this.db.createQueryRunner();
    await session.connect();
    try {
      const [{ locked }] = (await session.query(
        wait ? `SELECT pg_advisory_lock($1) IS NOT NULL AS locked` : `SELECT pg_try_advisory_lock($1) AS locked`,
        [SWEEP_LOCK],
      )) as Array<{ locked: boolean }>;
      if (!locked) return { examined: 0, completed: 0, authorized: 0, failed: 0, expired: 0 };
      try {
        const result = await this.sweep(olderThanMs ?? this.config.sweepStaleAfterMs);
        return { ...result, expired: await this.commands.execute(new ExpireHolds()) };
      } finally {
        await session.query(`SELECT pg_advisory_unlock($1)`, [SWEEP_LOCK]);
      }
    } finally {
      await session.release();
    }
  }

  /**
   * Payments still INITIATED are looked for only from the watermark on: every payment created
   * before it has moved on (an AUTHORIZED one's hold is expired by its own index, not by this scan). No index names the status, so that finishing a payment is a HOT update
   * (see the SweepWatermark migration); the scan walks `payments_by_created` instead, about one
   * sweep interval's payments, BATCH rows a statement whatever their status, so that no statement
   * runs long however far behind the watermark is. The watermark moves once, at the end; a sweep
   * that fails keeps what it did scan for the next one. A payment that could not be posted (the
   * error is logged) does not stop the sweep, but the watermark stops at it: the next sweep retries it.
   * Times are the database's, as `created_at` is; kept as text so that no precision is lost.
   */
  private async sweep(olderThanMs: number): Promise<Omit<SweepResult, 'expired'>> {
    const [bounds] = await this.db.query<
      Array<{ finishedBefore: string; cutoff: string; surelyCommittedBefore: string }>
    >(
      `SELECT finished_before::text AS "finishedBefore",
              (now() - $1 * interval '1 millisecond')::text AS cutoff,
              (now() - $2 * interval '1 millisecond')::text AS "surelyCommittedBefore"
         FROM payment_sweep`,
      [olderThanMs, SURELY_COMMITTED_AFTER_MS],
    );
    // Every payment up to `to` that the scan could see is final, and it could see every one created
    // before surelyCommittedBefore; one committed later is found by the next sweep.
    const finishedUpTo = (to: string) =>
      this.db.query(
        `UPDATE payment_sweep SET finished_before = greatest(finished_before, least($1::timestamptz, $2::timestamptz))`,
        [to, bounds.surelyCommittedBefore],
      );

    const result = { examined: 0, completed: 0, authorized: 0, failed: 0 };
    let after = { createdAt: bounds.finishedBefore, id: NIL_UUID };
    let unfinishedFrom: string | undefined;
    try {
      for (;;) {
        const scanned = await this.db.query<Array<{ id: string; status: string; createdAt: string }>>(
          `SELECT id, status, created_at::text AS "createdAt" FROM payments
            WHERE (created_at, id) > ($1::timestamptz, $2::uuid) AND created_at <= $3::timestamptz
            ORDER BY created_at, id LIMIT ${BATCH}`,
          [after.createdAt, after.id, bounds.cutoff],
        );
        if (!scanned.length) break;
        const stale = scanned.filter((payment) => payment.status === 'INITIATED').map((payment) => payment.id);
        if (stale.length) {
          const posted = await this.commands.execute(new PostPayments(stale));
          result.examined += stale.length;
          result.completed += posted.completed;
          result.authorized += posted.authorized;
          result.failed += posted.failed;
          const unfinished = new Set(posted.unfinished);
          unfinishedFrom ??= scanned.find((payment) => unfinished.has(payment.id))?.createdAt;
        }
        after = scanned[scanned.length - 1];
      }
    } catch (error) {
      // Those created at exactly `after.createdAt` may not all have been scanned: only before it.
      await finishedUpTo(unfinishedFrom ?? after.createdAt).catch(() => undefined);
      throw error;
    }
    await finishedUpTo(unfinishedFrom ?? bounds.cutoff);
    return result;
  }
}
