import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies, isUuid, mergeMetadata, type Metadata, NotFound } from '#platform';
import { DataSource } from 'typeorm';
import { FIND_PAYMENT, partiesOf, type PaymentRow, toPaymentView, type PaymentView } from '../../domain/payment.js';
import { UpdatePayment } from './update-payment.command.js';

// NO KEY UPDATE, as the ledger locks payments: a merge waits for a posting in flight, not the reverse for long.
const LOCK_PAYMENT = `SELECT payer_user_id, payee_user_id, metadata FROM payments WHERE id = $1 FOR NO KEY UPDATE`;

/** A payment's metadata merged under its row lock, so concurrent merges each keep the other's keys. */
@CommandHandler(UpdatePayment)
export class UpdatePaymentHandler implements ICommandHandler<UpdatePayment> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, paymentId, metadata }: UpdatePayment): Promise<PaymentView> {
    if (!isUuid(paymentId)) throw new NotFound('payment');
    const row = await this.db.transaction(async (tx) => {
      const [locked] = await tx.query<
        Array<Pick<PaymentRow, 'payer_user_id' | 'payee_user_id'> & { metadata: Metadata | null }>
      >(LOCK_PAYMENT, [paymentId]);
      if (!locked || (user.role !== 'ADMIN' && !partiesOf(locked).includes(user.id))) throw new NotFound('payment');
      if (metadata)
        await tx.query(`UPDATE payments SET metadata = $2 WHERE id = $1`, [
          paymentId,
          mergeMetadata(locked.metadata, metadata),
        ]);
      const [current] = await FIND_PAYMENT.run<PaymentRow[]>(tx, [paymentId]);
      return current;
    });
    return toPaymentView(row, this.currencies);
  }
}
