import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid, NotFound } from '#platform';
import { RevokeApiKey } from './revoke-api-key.command.js';

/** The row stays, revoked, so that what a key did can still be traced to it. */
@CommandHandler(RevokeApiKey)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKey> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ userId, keyId }: RevokeApiKey): Promise<void> {
    if (!isUuid(keyId)) throw new NotFound('API key');
    const [, revoked] = await this.db.query<[unknown, number]>(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
      [keyId, userId],
    );
    if (!revoked) throw new NotFound('API key');
  }
}
