import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { canonicalMetadata, Currencies } from '#platform';
import { DataSource } from 'typeorm';
import { ACCOUNT_COLUMNS, type AccountRow, toAccountView, type AccountView } from '../../domain/account.js';
import { OpenAccount } from './open-account.command.js';

/** A user may hold several accounts in one currency; each opens at zero. */
@CommandHandler(OpenAccount)
export class OpenAccountHandler implements ICommandHandler<OpenAccount> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  async execute({ userId, currency, name, metadata }: OpenAccount): Promise<AccountView> {
    const { code } = this.currencies.get(currency);
    const [row] = await this.db.query<AccountRow[]>(
      `INSERT INTO accounts AS a (user_id, type, currency, name, metadata) VALUES ($1, 'USER', $2, $3, $4) RETURNING ${ACCOUNT_COLUMNS}`,
      [userId, code, name?.trim() || `${code} account`, canonicalMetadata(metadata)],
    );
    return toAccountView(row, this.currencies);
  }
}
