import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies } from '#platform';
import { DataSource } from 'typeorm';
import { type AccountRow, toAccountView, type AccountView } from '../../domain/account.js';
import { OpenAccount } from './open-account.command.js';

/** A user may hold several accounts in one currency; each opens at zero. */
@CommandHandler(OpenAccount)
export class OpenAccountHandler implements ICommandHandler<OpenAccount> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  async execute({ userId, currency, name }: OpenAccount): Promise<AccountView> {
    const { code } = this.currencies.get(currency);
    const [row] = await this.db.query<AccountRow[]>(
      `INSERT INTO accounts (user_id, type, currency, name) VALUES ($1, 'USER', $2, $3)
       RETURNING id, user_id, type, code, currency, name, balance, held_balance, created_at`,
      [userId, code, name?.trim() || `${code} account`],
    );
    return toAccountView(row, this.currencies);
  }
}
