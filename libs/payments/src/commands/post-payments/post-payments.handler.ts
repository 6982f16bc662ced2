import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { TechnicalAccounts } from '#accounts';
import { PostOperations, type PostingOutcome } from '#ledger';
import { Currencies } from '#platform';
import { DataSource } from 'typeorm';
import { legsOf } from '../../domain/legs.js';
import { PaymentCompleted, PaymentFailed } from '../../domain/payment-events.js';
import { PAYMENT_COLUMNS, partiesOf, type PaymentRow, toPaymentView } from '../../domain/payment.js';
import { PaymentMetrics } from '../../processing/payment-metrics.js';
import { PostPayments, type PostingSummary } from './post-payments.command.js';

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
    const pending = (await this.db.query(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.id = ANY($1::uuid[]) AND p.status = 'INITIATED'`, [ids])) as PaymentRow[];
    const summary: PostingSummary = { completed: 0, failed: 0, skipped: ids.length - pending.length };
    if (!pending.length) return summary;

    const outcomes = await this.post(pending);
    const finished = new Map<string, PostingOutcome>();
    for (const outcome of outcomes) {
      if (outcome.status === 'ALREADY_FINAL') summary.skipped++;
      else {
        summary[outcome.status === 'COMPLETED' ? 'completed' : 'failed']++;
        finished.set(outcome.paymentId, outcome);
      }
    }
    if (finished.size) await this.announce([...finished.keys()]);
    return summary;
  }

  /**
   * All in one ledger transaction; should that fail for a reason of one payment's own, each is
   * posted alone so that one bad payment cannot hold back the others.
   */
  private async post(pending: PaymentRow[]): Promise<PostingOutcome[]> {
    const postingOf = (p: PaymentRow) => ({ paymentId: p.id, legs: legsOf(p, this.technical) });
    try {
      return await this.commands.execute(new PostOperations(pending.map(postingOf)));
    } catch (error) {
      if (pending.length === 1) throw error;
      this.logger.warn(`batch of ${pending.length} failed (${(error as Error).message}); posting one by one`);
      const outcomes: PostingOutcome[] = [];
      for (const payment of pending) outcomes.push(...(await this.commands.execute(new PostOperations([postingOf(payment)]))));
      return outcomes;
    }
  }

  /** After commit: events for both parties and the worker's metrics. */
  private async announce(ids: string[]): Promise<void> {
    const rows = (await this.db.query(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.id = ANY($1::uuid[])`, [ids])) as PaymentRow[];
    for (const row of rows) {
      if (row.status === 'INITIATED' || !row.processed_at) continue;
      this.metrics.finished(row.type, row.status, row.created_at, row.processed_at);
      const Event = row.status === 'COMPLETED' ? PaymentCompleted : PaymentFailed;
      this.events.publish(new Event(toPaymentView(row, this.currencies), partiesOf(row)));
    }
  }
}
