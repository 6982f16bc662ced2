import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AuthUser, Currencies, type ListSpec, ListQueries, type Page } from '#platform';
import { DataSource } from 'typeorm';
import {
  CAPTURE_METHODS,
  PAYMENT_COLUMNS,
  PAYMENT_STATUSES,
  PAYMENT_TYPES,
  REFUNDED_AMOUNT_SQL,
  type PaymentRow,
  toPaymentView,
  type PaymentView,
} from '../../domain/payment.js';
import { ListPayments } from './list-payments.query.js';

export const PAYMENT_LIST: ListSpec = {
  name: 'payments',
  from: 'payments p',
  select: PAYMENT_COLUMNS,
  fields: {
    id: { sql: 'p.id', type: 'uuid' },
    type: { sql: 'p.type', type: 'enum', values: PAYMENT_TYPES },
    status: { sql: 'p.status', type: 'enum', values: PAYMENT_STATUSES },
    fromAccountId: { sql: 'p.from_account_id', type: 'uuid' },
    toAccountId: { sql: 'p.to_account_id', type: 'uuid' },
    amount: { sql: 'p.amount', type: 'money', currencySql: 'p.currency' },
    currency: { sql: 'p.currency', type: 'text' },
    commission: { sql: 'p.commission', type: 'money', currencySql: 'p.currency' },
    targetAmount: { sql: 'p.target_amount', type: 'money', currencySql: 'p.target_currency' },
    targetCurrency: { sql: 'p.target_currency', type: 'text' },
    rate: { sql: 'p.rate', type: 'decimal', nullable: true },
    description: { sql: 'p.description', type: 'text', nullable: true },
    destination: { sql: 'p.destination', type: 'text', nullable: true },
    externalRef: { sql: 'p.external_ref', type: 'text', nullable: true },
    failureReason: { sql: 'p.failure_reason', type: 'text', nullable: true },
    capture: { sql: 'p.capture', type: 'enum', values: CAPTURE_METHODS },
    authorizedAmount: { sql: 'p.authorized_amount', type: 'money', currencySql: 'p.currency', nullable: true },
    expiresAt: { sql: 'p.expires_at', type: 'timestamp', nullable: true },
    createdAt: { sql: 'p.created_at', type: 'timestamp' },
    processedAt: { sql: 'p.processed_at', type: 'timestamp', nullable: true },
    parentPaymentId: { sql: 'p.parent_payment_id', type: 'uuid', nullable: true },
    refundedAmount: { sql: REFUNDED_AMOUNT_SQL, type: 'money', currencySql: 'p.target_currency' },
    metadata: { sql: 'p.metadata', type: 'metadata' },
    groupId: { sql: 'p.group_id', type: 'uuid', nullable: true },
  },
  defaultSort: '-createdAt',
};

/** Payments the caller pays or is paid by; an administrator sees every payment. */
export const paymentsVisibleTo = (user: AuthUser) =>
  user.role === 'ADMIN' ? undefined : { sql: '(p.payer_user_id = $1 OR p.payee_user_id = $1)', params: [user.id] };

@QueryHandler(ListPayments)
export class ListPaymentsHandler implements IQueryHandler<ListPayments> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
    private readonly currencies: Currencies,
  ) {}

  execute({ user, queryString }: ListPayments): Promise<Page<PaymentView>> {
    return this.lists.page<PaymentRow, PaymentView>(
      this.db,
      PAYMENT_LIST,
      queryString,
      paymentsVisibleTo(user),
      (row) => toPaymentView(row, this.currencies),
    );
  }
}
