import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { type ListSpec, ListQueries, type Page } from '#platform';
import { DataSource } from 'typeorm';
import {
  GROUP_COLUMNS,
  PAYMENT_GROUP_STATUSES,
  type PaymentGroupRow,
  type PaymentGroupView,
  toPaymentGroupView,
} from '../../domain/payment-group.js';
import { ListPaymentGroups } from './list-payment-groups.query.js';

export const PAYMENT_GROUP_LIST: ListSpec = {
  name: 'payment-groups',
  from: 'payment_groups g',
  select: GROUP_COLUMNS,
  fields: {
    id: { sql: 'g.id', type: 'uuid' },
    status: { sql: 'g.status', type: 'enum', values: PAYMENT_GROUP_STATUSES },
    atomic: { sql: 'g.atomic', type: 'boolean' },
    itemCount: { sql: 'g.item_count', type: 'integer' },
    description: { sql: 'g.description', type: 'text', nullable: true },
    createdAt: { sql: 'g.created_at', type: 'timestamp' },
    processedAt: { sql: 'g.processed_at', type: 'timestamp', nullable: true },
    metadata: { sql: 'g.metadata', type: 'metadata' },
  },
  defaultSort: '-createdAt',
};

/** The groups the caller sent; an administrator sees every group. */
@QueryHandler(ListPaymentGroups)
export class ListPaymentGroupsHandler implements IQueryHandler<ListPaymentGroups> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
  ) {}

  execute({ user, queryString }: ListPaymentGroups): Promise<Page<PaymentGroupView>> {
    const visible = user.role === 'ADMIN' ? undefined : { sql: 'g.initiator_id = $1', params: [user.id] };
    return this.lists.page<PaymentGroupRow, PaymentGroupView>(
      this.db,
      PAYMENT_GROUP_LIST,
      queryString,
      visible,
      toPaymentGroupView,
    );
  }
}
