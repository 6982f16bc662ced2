import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type ListSpec, ListQueries, type Page } from '#platform';
import { type TokenView } from '../../domain/user.view.js';
import { ListTokens } from './list-tokens.query.js';

export const TOKEN_LIST: ListSpec = {
  name: 'tokens',
  from: 'access_tokens t',
  select: 't.id, t.name, t.created_at, t.last_used_at, t.expires_at',
  fields: {
    id: { sql: 't.id', type: 'uuid' },
    name: { sql: 't.name', type: 'text', nullable: true },
    createdAt: { sql: 't.created_at', type: 'timestamp' },
    lastUsedAt: { sql: 't.last_used_at', type: 'timestamp', nullable: true },
    expiresAt: { sql: 't.expires_at', type: 'timestamp' },
  },
  defaultSort: '-createdAt',
};

interface TokenRow {
  id: string;
  name: string | null;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date;
}

/** The caller's live tokens: neither revoked nor expired. */
@QueryHandler(ListTokens)
export class ListTokensHandler implements IQueryHandler<ListTokens> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
  ) {}

  execute({ userId, queryString }: ListTokens): Promise<Page<TokenView>> {
    return this.lists.page<TokenRow, TokenView>(
      this.db,
      TOKEN_LIST,
      queryString,
      { sql: 't.user_id = $1 AND t.revoked_at IS NULL AND t.expires_at > now()', params: [userId] },
      (row) => ({
        id: row.id,
        name: row.name,
        createdAt: row.created_at.toISOString(),
        lastUsedAt: row.last_used_at?.toISOString() ?? null,
        expiresAt: row.expires_at.toISOString(),
      }),
    );
  }
}
