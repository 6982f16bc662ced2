import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies, type ListSpec, ListQueries, type Page } from '#platform';
import { DataSource } from 'typeorm';
import { ACCOUNT_COLUMNS, type AccountRow, toAccountView, type AccountView } from '../../domain/account.js';
import { ListAccounts } from './list-accounts.query.js';

export const ACCOUNT_LIST: ListSpec = {
  name: 'accounts',
  from: 'accounts a',
  select: ACCOUNT_COLUMNS,
  fields: {
    id: { sql: 'a.id', type: 'uuid' },
    userId: { sql: 'a.user_id', type: 'uuid', nullable: true },
    type: { sql: 'a.type', type: 'enum', values: ['USER', 'TECHNICAL'] },
    code: { sql: 'a.code', type: 'text', nullable: true },
    currency: { sql: 'a.currency', type: 'text' },
    name: { sql: 'a.name', type: 'text' },
    balance: { sql: 'a.balance', type: 'money', currencySql: 'a.currency' },
    heldBalance: { sql: 'a.held_balance', type: 'money', currencySql: 'a.currency' },
    availableBalance: { sql: '(a.balance - a.held_balance)', type: 'money', currencySql: 'a.currency' },
    metadata: { sql: 'a.metadata', type: 'metadata' },
    closedAt: { sql: 'a.closed_at', type: 'timestamp', nullable: true },
    createdAt: { sql: 'a.created_at', type: 'timestamp' },
  },
  defaultSort: '-createdAt',
};

/** A user's own accounts; an administrator sees every account, technical ones included. */
@QueryHandler(ListAccounts)
export class ListAccountsHandler implements IQueryHandler<ListAccounts> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
    private readonly currencies: Currencies,
  ) {}

  execute({ user, queryString }: ListAccounts): Promise<Page<AccountView>> {
    const scope = user.role === 'ADMIN' ? undefined : { sql: 'a.user_id = $1', params: [user.id] };
    return this.lists.page<AccountRow, AccountView>(this.db, ACCOUNT_LIST, queryString, scope, (row) =>
      toAccountView(row, this.currencies),
    );
  }
}
