import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { TechnicalAccounts } from '#accounts';
import { PostOperations, type PostingOutcome } from '#ledger';
import { Currencies, PreparedStatement } from '#platform';
import { DataSource } from 'typeorm';
import { legsOf } from '../../domain/legs.js';
import { PaymentCompleted, PaymentFailed } from '../../domain/payment-events.js';
import { PAYMENT_COLUMNS, partiesOf, type PaymentRow, toPaymentView } from '../../domain/payment.js';
import { PaymentMetrics } from '../../processing/payment-metrics.js';
import { PostPayments, type PostingSummary } from './post-payments.command.js';

// By primary key alone (see PostOperations): the status is checked on the rows read.
const FIND_PAYMENTS = new PreparedStatement(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.id = ANY($1::uuid[])`);

@CommandHandler(PostPayments)
export class PostPaymentsHandler implements ICommandHandler<PostPayments> {
  private readonly logger = new Logger('PostPayments');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commands: CommandBus,
    private readonly events: EventBus,
    private readonly technical: TechnicalAccounts,
    private readonly currencies: Currencies,
    private readonly metrics: PaymentMetrics,
  ) {}

  async execute({ paymentIds }: PostPayments): Promise<PostingSummary> {
    const ids = [...new Set(paymentIds)];
    const found = await FIND_PAYMENTS.run<PaymentRow[]>(this.db, [ids]);
    const pending = found.filter((payment) => payment.status === 'INITIATED');
    const summary: PostingSummary = { completed: 0, failed: 0, skipped: ids.length - pending.length, unfinished: [] };
    if (!pending.length) return summary;

    const posted = await this.post(pending);
    summary.unfinished = posted.unfinished;
    const outcomes = new Map(posted.outcomes.map((outcome) => [outcome.paymentId, outcome]));
    for (const payment of pending) {
      const outcome = outcomes.get(payment.id);
      if (!outcome) continue;
      if (outcome.status === 'ALREADY_FINAL') summary.skipped++;
      else {
        summary[outcome.status === 'COMPLETED' ? 'completed' : 'failed']++;
        this.announce(payment, outcome);
      }
    }
    return summary;
  }

  /**
   * All in one ledger transaction; should that fail for a reason of one payment's own, each is
   * posted alone so that one bad payment cannot hold back the others. One whose posting throws
   * even alone is left INITIATED, and the others are posted all the same.
   */
  private async post(pending: PaymentRow[]): Promise<{ outcomes: PostingOutcome[]; unfinished: string[] }> {
    const postingOf = (p: PaymentRow) => ({ paymentId: p.id, legs: legsOf(p, this.technical) });
    if (pending.length > 1) {
      try {
        return { outcomes: await this.commands.execute(new PostOperations(pending.map(postingOf))), unfinished: [] };
      } catch (error) {
        this.logger.warn(`batch of ${pending.length} failed (${(error as Error).message}); posting one by one`);
      }
    }
    const outcomes: PostingOutcome[] = [];
    const unfinished: string[] = [];
    for (const payment of pending) {
      try {
        outcomes.push(...(await this.commands.execute(new PostOperations([postingOf(payment)]))));
      } catch (error) {
        this.logger.error(`payment ${payment.id} could not be posted, left INITIATED: ${(error as Error).message}`, (error as Error).stack);
        unfinished.push(payment.id);
      }
    }
    return { outcomes, unfinished };
  }

  /** After commit: events for both parties and the worker's metrics. */
  private announce(payment: PaymentRow, outcome: Exclude<PostingOutcome, { status: 'ALREADY_FINAL' }>): void {
    const final: PaymentRow = {
      ...payment,
      status: outcome.status,
      failure_reason: outcome.status === 'FAILED' ? outcome.failureReason : null,
      processed_at: outcome.processedAt,
    };
    this.metrics.finished(final.type, outcome.status, final.created_at, outcome.processedAt);
    const Event = outcome.status === 'COMPLETED' ? PaymentCompleted : PaymentFailed;
    this.events.publish(new Event(toPaymentView(final, this.currencies), partiesOf(final)));
  }
}
