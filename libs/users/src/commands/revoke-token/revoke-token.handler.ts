import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid, NotFound } from '#platform';
import { RevokeToken } from './revoke-token.command.js';

@CommandHandler(RevokeToken)
export class RevokeTokenHandler implements ICommandHandler<RevokeToken> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ userId, tokenId }: RevokeToken): Promise<void> {
    if (!isUuid(tokenId)) throw new NotFound('token');
    const [, revoked] = await this.db.query<[unknown, number]>(
      `UPDATE access_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()`,
      [tokenId, userId],
    );
    if (!revoked) throw new NotFound('token');
  }
}
