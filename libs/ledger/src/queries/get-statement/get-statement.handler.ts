import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountAccess } from '#accounts';
import { Currencies, type ListSpec, ListQueries, type Page } from '#platform';
import { DataSource } from 'typeorm';
import { type OperationRow, toOperationView, type OperationView } from '../../domain/operation.js';
import { GetStatement } from './get-statement.query.js';

export const STATEMENT: ListSpec = {
  name: 'operations',
  from: 'operations o',
  select: 'o.id, o.payment_id, o.account_id, o.type, o.amount, o.currency, o.balance_after, o.created_at',
  fields: {
    id: { sql: 'o.id', type: 'uuid' },
    paymentId: { sql: 'o.payment_id', type: 'uuid' },
    accountId: { sql: 'o.account_id', type: 'uuid' },
    type: { sql: 'o.type', type: 'enum', values: ['TRANSFER', 'COMMISSION', 'EXCHANGE'] },
    amount: { sql: 'o.amount', type: 'money', currencySql: 'o.currency' },
    currency: { sql: 'o.currency', type: 'text' },
    balanceAfter: { sql: 'o.balance_after', type: 'money', currencySql: 'o.currency' },
    createdAt: { sql: 'o.created_at', type: 'timestamp' },
  },
  defaultSort: '-createdAt',
};

/** An account's operations, newest first by default: its statement. Owner or administrator only. */
@QueryHandler(GetStatement)
export class GetStatementHandler implements IQueryHandler<GetStatement> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccountAccess,
    private readonly lists: ListQueries,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, accountId, queryString }: GetStatement): Promise<Page<OperationView>> {
    const account = await this.access.readable(user, accountId);
    return this.lists.page<OperationRow, OperationView>(
      this.db,
      STATEMENT,
      queryString,
      { sql: 'o.account_id = $1', params: [account.id] },
      (row) => toOperationView(row, this.currencies),
    );
  }
}
