import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type ListSpec, ListQueries, type Page } from '#platform';
import { API_KEY_COLUMNS, type ApiKeyRow, type ApiKeyView, toApiKeyView } from '../../domain/api-key.view.js';
import { ListApiKeys } from './list-api-keys.query.js';

export const API_KEY_LIST: ListSpec = {
  name: 'api-keys',
  from: 'api_keys k',
  select: API_KEY_COLUMNS,
  fields: {
    id: { sql: 'k.id', type: 'uuid' },
    name: { sql: 'k.name', type: 'text' },
    readOnly: { sql: 'k.read_only', type: 'boolean' },
    prefix: { sql: 'k.prefix', type: 'text' },
    createdAt: { sql: 'k.created_at', type: 'timestamp' },
    lastUsedAt: { sql: 'k.last_used_at', type: 'timestamp', nullable: true },
  },
  defaultSort: '-createdAt',
};

/** The caller's live API keys: revoked ones are gone from the list. */
@QueryHandler(ListApiKeys)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeys> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
  ) {}

  execute({ userId, queryString }: ListApiKeys): Promise<Page<ApiKeyView>> {
    return this.lists.page<ApiKeyRow, ApiKeyView>(
      this.db,
      API_KEY_LIST,
      queryString,
      { sql: 'k.user_id = $1 AND k.revoked_at IS NULL', params: [userId] },
      toApiKeyView,
    );
  }
}
