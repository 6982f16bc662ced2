import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies, isUuid, NotFound, PreparedStatement } from '#platform';
import { DataSource } from 'typeorm';
import {
  GROUP_COLUMNS,
  type PaymentGroupRow,
  type PaymentGroupView,
  toPaymentGroupView,
} from '../../domain/payment-group.js';
import { FIND_GROUP_PAYMENTS, type PaymentRow, toPaymentView, type PaymentView } from '../../domain/payment.js';
import { GetPaymentGroup } from './get-payment-group.query.js';

const FIND_GROUP = new PreparedStatement(`SELECT ${GROUP_COLUMNS} FROM payment_groups g WHERE g.id = $1`);

@QueryHandler(GetPaymentGroup)
export class GetPaymentGroupHandler implements IQueryHandler<GetPaymentGroup> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, groupId }: GetPaymentGroup): Promise<PaymentGroupView & { payments: PaymentView[] }> {
    if (!isUuid(groupId)) throw new NotFound('payment group');
    const [group] = await FIND_GROUP.run<PaymentGroupRow[]>(this.db, [groupId]);
    if (!group || (user.role !== 'ADMIN' && group.initiator_id !== user.id)) throw new NotFound('payment group');
    const payments = await FIND_GROUP_PAYMENTS.run<PaymentRow[]>(this.db, [[group.id]]);
    return { ...toPaymentGroupView(group), payments: payments.map((row) => toPaymentView(row, this.currencies)) };
  }
}
