import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newApiKey } from '../../auth/api-keys.js';
import { API_KEY_COLUMNS, type ApiKeyRow, type CreatedApiKey, toApiKeyView } from '../../domain/api-key.view.js';
import { CreateApiKey } from './create-api-key.command.js';

@CommandHandler(CreateApiKey)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKey> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ userId, name, readOnly }: CreateApiKey): Promise<CreatedApiKey> {
    const { key, hash, prefix } = newApiKey();
    const [row] = await this.db.query<ApiKeyRow[]>(
      `INSERT INTO api_keys AS k (user_id, name, read_only, secret_hash, prefix) VALUES ($1, $2, $3, $4, $5) RETURNING ${API_KEY_COLUMNS}`,
      [userId, name, readOnly, hash, prefix],
    );
    return { ...toApiKeyView(row), key };
  }
}
