import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type ListSpec, ListQueries, type Page } from '#platform';
import {
  ENDPOINT_COLUMNS,
  toEndpointView,
  type WebhookEndpointRow,
  type WebhookEndpointView,
} from '../../domain/webhook-endpoint.js';
import { ListWebhookEndpoints } from './list-endpoints.query.js';

export const ENDPOINT_LIST: ListSpec = {
  name: 'webhook-endpoints',
  from: 'webhook_endpoints e',
  select: ENDPOINT_COLUMNS,
  fields: {
    id: { sql: 'e.id', type: 'uuid' },
    url: { sql: 'e.url', type: 'text' },
    description: { sql: 'e.description', type: 'text', nullable: true },
    enabled: { sql: 'e.enabled', type: 'boolean' },
    metadata: { sql: 'e.metadata', type: 'metadata' },
    previousSecretExpiresAt: {
      sql: 'CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret_expires_at END',
      type: 'timestamp',
      nullable: true,
    },
    createdAt: { sql: 'e.created_at', type: 'timestamp' },
    updatedAt: { sql: 'e.updated_at', type: 'timestamp' },
  },
  defaultSort: '-createdAt',
};

@QueryHandler(ListWebhookEndpoints)
export class ListWebhookEndpointsHandler implements IQueryHandler<ListWebhookEndpoints> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
  ) {}

  execute({ ownerId, queryString }: ListWebhookEndpoints): Promise<Page<WebhookEndpointView>> {
    return this.lists.page<WebhookEndpointRow, WebhookEndpointView>(
      this.db,
      ENDPOINT_LIST,
      queryString,
      { sql: 'e.owner_id = $1', params: [ownerId] },
      toEndpointView,
    );
  }
}
