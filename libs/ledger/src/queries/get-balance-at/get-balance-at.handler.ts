import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountAccess } from '#accounts';
import { Currencies, InvalidQuery } from '#platform';
import { DataSource } from 'typeorm';
import { lastOperationBefore } from '../../domain/balance-as-of.sql.js';
import { parseInstant } from '../../domain/instant.js';
import { type BalanceAt, GetBalanceAt } from './get-balance-at.query.js';

/** The posted balance after the account's last operation at or before `at`: what a statement said then. */
@QueryHandler(GetBalanceAt)
export class GetBalanceAtHandler implements IQueryHandler<GetBalanceAt> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccountAccess,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, accountId, at: raw }: GetBalanceAt): Promise<BalanceAt> {
    const account = await this.access.readable(user, accountId);
    const at = parseInstant('at', raw);
    if (at.getTime() > Date.now()) throw new InvalidQuery('at is in the future');
    if (at < account.created_at)
      throw new InvalidQuery(`at is before the account was opened (${account.created_at.toISOString()})`);
    const [last] = await this.db.query<Array<{ id: string; balance_after: string }>>(
      lastOperationBefore('$1', '$2', '<='),
      [account.id, at],
    );
    return {
      accountId: account.id,
      currency: account.currency,
      balance: this.currencies.format(last?.balance_after ?? '0', account.currency),
      at: at.toISOString(),
      operationId: last?.id ?? null,
    };
  }
}
