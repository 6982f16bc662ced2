import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { TechnicalAccounts } from '#accounts';
import type { Posting } from '#ledger';
import { AppConfig } from '#platform';
import { DataSource } from 'typeorm';
import { legsOf } from '../../domain/legs.js';
import { FIND_PAYMENTS, type PaymentRow } from '../../domain/payment.js';
import { PaymentAnnouncements } from '../../processing/payment-announcements.js';
import { type PaymentOutcome, PaymentPostings } from '../../settlement/payment-postings.js';
import { PostPayments, type PostingSummary } from './post-payments.command.js';

@CommandHandler(PostPayments)
export class PostPaymentsHandler implements ICommandHandler<PostPayments> {
  private readonly logger = new Logger('PostPayments');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly postings: PaymentPostings,
    private readonly technical: TechnicalAccounts,
    private readonly announcements: PaymentAnnouncements,
    private readonly config: AppConfig,
  ) {}

  async execute({ paymentIds }: PostPayments): Promise<PostingSummary> {
    const ids = [...new Set(paymentIds)];
    const found = await FIND_PAYMENTS.run<PaymentRow[]>(this.db, [ids]);
    const pending = found.filter((payment) => payment.status === 'INITIATED');
    const summary: PostingSummary = {
      completed: 0,
      authorized: 0,
      failed: 0,
      skipped: ids.length - pending.length,
      unfinished: [],
    };
    if (!pending.length) return summary;

    const { outcomes: posted, unfinished } = await this.post(pending);
    const outcomes = new Map(posted.map((outcome) => [outcome.paymentId, outcome]));
    summary.unfinished = unfinished;
    for (const payment of pending) {
      const outcome = outcomes.get(payment.id);
      if (!outcome) continue;
      if (outcome.status === 'SKIPPED') summary.skipped++;
      else {
        summary[
          outcome.status === 'AUTHORIZED' ? 'authorized' : outcome.status === 'FAILED' ? 'failed' : 'completed'
        ]++;
        this.announcements.announce(payment, outcome);
      }
    }
    return summary;
  }

  /**
   * All in one transaction; should that fail for a reason of one payment's own, each is
   * posted alone so that one bad payment cannot hold back the others. One whose posting throws
   * even alone is left INITIATED, and the others are posted all the same.
   */
  private async post(pending: PaymentRow[]): Promise<{ outcomes: PaymentOutcome[]; unfinished: string[] }> {
    const postingOf = (p: PaymentRow): Posting =>
      p.capture === 'manual'
        ? {
            paymentId: p.id,
            legs: [],
            hold: {
              accountId: p.from_account_id,
              currency: p.currency,
              amount: BigInt(p.amount) + BigInt(p.commission),
              ttlMs: this.config.holdTtlMs,
            },
          }
        : { paymentId: p.id, legs: legsOf(p, this.technical) };
    if (pending.length > 1) {
      try {
        return { outcomes: await this.postings.post(pending.map(postingOf)), unfinished: [] };
      } catch (error) {
        this.logger.warn(`batch of ${pending.length} failed (${(error as Error).message}); posting one by one`);
      }
    }
    const outcomes: PaymentOutcome[] = [];
    const unfinished: string[] = [];
    for (const payment of pending) {
      try {
        outcomes.push(...(await this.postings.post([postingOf(payment)])));
      } catch (error) {
        this.logger.error(
          `payment ${payment.id} could not be posted, left INITIATED: ${(error as Error).message}`,
          (error as Error).stack,
        );
        unfinished.push(payment.id);
      }
    }
    return { outcomes, unfinished };
  }
}
