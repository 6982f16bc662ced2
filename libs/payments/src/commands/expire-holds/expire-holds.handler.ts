import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FIND_PAYMENTS, type PaymentRow } from '../../domain/payment.js';
import { PaymentAnnouncements } from '../../processing/payment-announcements.js';
import { PaymentPostings } from '../../settlement/payment-postings.js';
import { ExpireHolds } from './expire-holds.command.js';

const BATCH = 500;

/**
 * Walks `holds_by_expiry` up to now, a batch a transaction. A capture or void that won the
 * payment's lock first leaves nothing to expire (SKIPPED); a payment is announced only after its
 * transaction committed.
 */
@CommandHandler(ExpireHolds)
export class ExpireHoldsHandler implements ICommandHandler<ExpireHolds> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly postings: PaymentPostings,
    private readonly announcements: PaymentAnnouncements,
  ) {}

  async execute(): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.db.query<Array<{ payment_id: string }>>(
        `SELECT payment_id FROM holds WHERE expires_at <= now() ORDER BY expires_at, payment_id LIMIT ${BATCH}`,
      );
      if (!due.length) return expired;
      const ids = due.map((d) => d.payment_id);
      const expiries = ids.map((paymentId) => ({ paymentId, legs: [], settles: 'EXPIRED' as const }));
      const outcomes = await this.postings.post(expiries);
      const rows = new Map((await FIND_PAYMENTS.run<PaymentRow[]>(this.db, [ids])).map((r) => [r.id, r]));
      for (const outcome of outcomes) {
        if (outcome.status === 'SKIPPED') continue;
        expired++;
        this.announcements.announce(rows.get(outcome.paymentId)!, outcome);
      }
      if (due.length < BATCH) return expired;
    }
  }
}
