import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUuid, NotFound } from '#platform';
import { DataSource } from 'typeorm';
import type { PaymentView } from '../../domain/payment.js';
import { PaymentAnnouncements } from '../../processing/payment-announcements.js';
import { AuthorizedPayments } from '../../settlement/authorized-payments.js';
import { PaymentPostings } from '../../settlement/payment-postings.js';
import { VoidPayment } from './void-payment.command.js';

@CommandHandler(VoidPayment)
export class VoidPaymentHandler implements ICommandHandler<VoidPayment> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly postings: PaymentPostings,
    private readonly payments: AuthorizedPayments,
    private readonly announcements: PaymentAnnouncements,
  ) {}

  async execute({ user, paymentId }: VoidPayment): Promise<PaymentView> {
    if (!isUuid(paymentId)) throw new NotFound('payment');
    const { row, outcome } = await this.db.transaction(async (tx) => {
      const locked = (await this.payments.lock(tx, [paymentId])).get(paymentId.toLowerCase());
      this.payments.assertMaySettle(user, locked);
      this.payments.assertLiveHold(locked);
      const [voided] = await this.postings.postLocked(tx, [{ paymentId: locked.row.id, legs: [], settles: 'VOIDED' }]);
      return { row: locked.row, outcome: voided };
    });
    return this.announcements.announce(row, outcome);
  }
}
