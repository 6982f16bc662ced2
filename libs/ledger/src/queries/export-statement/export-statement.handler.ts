import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountAccess } from '#accounts';
import { csvFields, Currencies, type CsvExport, type ListSpec, ListQueries, type Metadata } from '#platform';
import { DataSource } from 'typeorm';
import { STATEMENT } from '../get-statement/get-statement.handler.js';
import { ExportStatement } from './export-statement.query.js';

/** Rows fetched from the cursor at a time: what the api holds of an export at once. */
export const EXPORT_BATCH_ROWS = 2000;

// The statement's filters and sort, each operation with its payment's side of the story.
const STATEMENT_EXPORT: ListSpec = {
  ...STATEMENT,
  from: 'operations o JOIN payments p ON p.id = o.payment_id',
  select:
    'o.id, o.created_at, o.payment_id, p.type AS payment_type, ' +
    'CASE WHEN o.account_id = p.from_account_id THEN p.to_account_id ELSE p.from_account_id END AS counterparty, ' +
    'o.amount, o.balance_after, o.currency, p.description, p.external_ref, p.metadata',
};

interface ExportRow {
  id: string;
  created_at: Date;
  payment_id: string;
  payment_type: string;
  counterparty: string;
  amount: string;
  balance_after: string;
  currency: string;
  description: string | null;
  external_ref: string | null;
  metadata: Metadata | null;
}

const HEADER = [
  'operationId',
  'createdAt',
  'paymentId',
  'paymentType',
  'counterpartyAccountId',
  'amount',
  'balanceAfter',
  'currency',
  'description',
  'externalRef',
  'metadata',
];

/** An account's statement for a finance team: owner or administrator, every operation matching, one snapshot. */
@QueryHandler(ExportStatement)
export class ExportStatementHandler implements IQueryHandler<ExportStatement> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccountAccess,
    private readonly lists: ListQueries,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, accountId, queryString }: ExportStatement): Promise<CsvExport> {
    const account = await this.access.readable(user, accountId);
    const scope = { sql: 'o.account_id = $1', params: [account.id] };
    return {
      filename: `statement-${account.id}.csv`,
      header: HEADER,
      batches: csvFields(
        this.lists.all<ExportRow>(this.db, STATEMENT_EXPORT, queryString, scope, EXPORT_BATCH_ROWS),
        (r) => [
          r.id,
          r.created_at.toISOString(),
          r.payment_id,
          r.payment_type,
          r.counterparty,
          this.currencies.format(r.amount, r.currency),
          this.currencies.format(r.balance_after, r.currency),
          r.currency,
          r.description,
          r.external_ref,
          JSON.stringify(r.metadata ?? {}),
        ],
      ),
    };
  }
}
