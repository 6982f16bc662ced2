import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { csvFields, Currencies, type CsvExport, ListQueries } from '#platform';
import { DataSource } from 'typeorm';
import { type PaymentRow, toPaymentView, type PaymentView } from '../../domain/payment.js';
import { PAYMENT_LIST, paymentsVisibleTo } from '../list-payments/list-payments.handler.js';
import { ExportPayments } from './export-payments.query.js';

const EXPORT_BATCH_ROWS = 2000;

// Every field of a payment, in the order of the JSON answer; metadata as one JSON column.
const HEADER: ReadonlyArray<keyof PaymentView> = [
  'id',
  'createdAt',
  'type',
  'status',
  'fromAccountId',
  'toAccountId',
  'amount',
  'currency',
  'commission',
  'targetAmount',
  'targetCurrency',
  'rate',
  'description',
  'destination',
  'externalRef',
  'failureReason',
  'capture',
  'authorizedAmount',
  'expiresAt',
  'processedAt',
  'parentPaymentId',
  'refundedAmount',
  'groupId',
  'metadata',
];

@QueryHandler(ExportPayments)
export class ExportPaymentsHandler implements IQueryHandler<ExportPayments> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
    private readonly currencies: Currencies,
  ) {}

  execute({ user, queryString }: ExportPayments): Promise<CsvExport> {
    const rows = this.lists.all<PaymentRow>(
      this.db,
      PAYMENT_LIST,
      queryString,
      paymentsVisibleTo(user),
      EXPORT_BATCH_ROWS,
    );
    return Promise.resolve({
      filename: 'payments.csv',
      header: HEADER,
      batches: csvFields(rows, (row) => {
        const view = toPaymentView(row, this.currencies);
        return HEADER.map((field) => (field === 'metadata' ? JSON.stringify(view.metadata) : view[field]));
      }),
    });
  }
}
