import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AuthUser, isUuid, NotFound } from '#platform';
import { DataSource, type EntityManager } from 'typeorm';
import { ACCOUNT_COLUMNS, type AccountRow } from './account.js';

/**
 * Who may see an account: its owner and administrators. Anyone else is told it does not exist,
 * so account ids leak nothing.
 */
@Injectable()
export class AccountAccess {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async readable(user: AuthUser, accountId: string, db: EntityManager | DataSource = this.db): Promise<AccountRow> {
    const account = await this.find(accountId, db);
    if (!account || (user.role !== 'ADMIN' && account.user_id !== user.id)) throw new NotFound('account');
    return account;
  }

  async find(accountId: string, db: EntityManager | DataSource = this.db): Promise<AccountRow | undefined> {
    if (!isUuid(accountId)) return undefined;
    const rows = await db.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1`, [accountId]);
    return rows[0];
  }
}
