import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { PostOperations } from '#ledger';
import { isUuid, NotFound } from '#platform';
import { DataSource } from 'typeorm';
import type { PaymentView } from '../../domain/payment.js';
import { PaymentAnnouncements } from '../../processing/payment-announcements.js';
import { AuthorizedPayments } from '../../settlement/authorized-payments.js';
import { VoidPayment } from './void-payment.command.js';

@CommandHandler(VoidPayment)
export class VoidPaymentHandler implements ICommandHandler<VoidPayment> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commands: CommandBus,
    private readonly payments: AuthorizedPayments,
    private readonly announcements: PaymentAnnouncements,
  ) {}

  async execute({ user, paymentId }: VoidPayment): Promise<PaymentView> {
    if (!isUuid(paymentId)) throw new NotFound('payment');
    const { row, outcome } = await this.db.transaction(async (tx) => {
      const locked = (await this.payments.lock(tx, [paymentId])).get(paymentId.toLowerCase());
      this.payments.assertMaySettle(user, locked);
      this.payments.assertLiveHold(locked);
      const [voided] = await this.commands.execute(new PostOperations([{ paymentId: locked.row.id, legs: [], settles: 'VOIDED' }], tx));
      return { row: locked.row, outcome: voided };
    });
    if (outcome.status === 'SKIPPED') throw new Error(`payment ${row.id} was locked AUTHORIZED, yet its void was skipped`);
    return this.announcements.announce(row, outcome);
  }
}
