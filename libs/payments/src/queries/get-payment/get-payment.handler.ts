import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies, isUuid, NotFound } from '#platform';
import { DataSource } from 'typeorm';
import { FIND_PAYMENT, partiesOf, type PaymentRow, toPaymentView, type PaymentView } from '../../domain/payment.js';
import { GetPayment } from './get-payment.query.js';

@QueryHandler(GetPayment)
export class GetPaymentHandler implements IQueryHandler<GetPayment> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, paymentId }: GetPayment): Promise<PaymentView> {
    if (!isUuid(paymentId)) throw new NotFound('payment');
    const [row] = await FIND_PAYMENT.run<PaymentRow[]>(this.db, [paymentId]);
    if (!row || (user.role !== 'ADMIN' && !partiesOf(row).includes(user.id))) throw new NotFound('payment');
    return toPaymentView(row, this.currencies);
  }
}
