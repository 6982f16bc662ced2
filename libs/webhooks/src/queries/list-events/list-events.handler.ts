import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, Currencies, type ListSpec, ListQueries, type Page } from '#platform';
import {
  EVENT_COLUMNS,
  type EventRow,
  eventsVisibleTo,
  webhookEvent,
  type WebhookEvent,
} from '../../domain/webhook-event.js';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events.js';
import { ListEvents } from './list-events.query.js';

export const EVENT_LIST: ListSpec = {
  name: 'events',
  from: 'webhook_events ev',
  select: EVENT_COLUMNS,
  fields: {
    id: { sql: 'ev.id', type: 'uuid' },
    type: { sql: 'ev.type', type: 'enum', values: WEBHOOK_EVENT_TYPES },
    paymentId: { sql: 'ev.payment_id', type: 'uuid', nullable: true },
    createdAt: { sql: 'ev.created_at', type: 'timestamp' },
  },
  defaultSort: '-createdAt',
};

@QueryHandler(ListEvents)
export class ListEventsHandler implements IQueryHandler<ListEvents> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
    private readonly currencies: Currencies,
    private readonly config: AppConfig,
  ) {}

  execute({ user, queryString }: ListEvents): Promise<Page<WebhookEvent>> {
    const scope = eventsVisibleTo(user.role === 'ADMIN' ? null : user.id, this.config.webhookRetentionDays);
    return this.lists.page<EventRow, WebhookEvent>(this.db, EVENT_LIST, queryString, scope, (row) =>
      webhookEvent(row, this.currencies),
    );
  }
}
