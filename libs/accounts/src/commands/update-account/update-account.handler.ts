import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies, isUuid, mergeMetadata, NotFound } from '#platform';
import { DataSource } from 'typeorm';
import { ACCOUNT_COLUMNS, type AccountRow, toAccountView, type AccountView } from '../../domain/account.js';
import { UpdateAccount } from './update-account.command.js';

// The ledger's lock, held for a moment: concurrent merges each keep the other's keys.
const LOCK_ACCOUNT = `SELECT a.user_id, a.metadata FROM accounts a WHERE a.id = $1 FOR NO KEY UPDATE`;

@CommandHandler(UpdateAccount)
export class UpdateAccountHandler implements ICommandHandler<UpdateAccount> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, accountId, name, metadata }: UpdateAccount): Promise<AccountView> {
    if (!isUuid(accountId)) throw new NotFound('account');
    const row = await this.db.transaction(async (tx) => {
      const [locked] = await tx.query<Array<Pick<AccountRow, 'user_id' | 'metadata'>>>(LOCK_ACCOUNT, [accountId]);
      if (!locked || (user.role !== 'ADMIN' && locked.user_id !== user.id)) throw new NotFound('account');
      const merged = metadata ? mergeMetadata(locked.metadata, metadata) : locked.metadata;
      const [[updated]] = await tx.query<[AccountRow[], number]>(
        `UPDATE accounts a SET name = coalesce($2, a.name), metadata = $3 WHERE a.id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
        [accountId, name?.trim() || null, merged],
      );
      return updated;
    });
    return toAccountView(row, this.currencies);
  }
}
