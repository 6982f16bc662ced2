import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type ListSpec, ListQueries, type Page } from '#platform';
import {
  DELIVERIES_WITH_EVENTS,
  DELIVERY_COLUMNS,
  DELIVERY_STATUSES,
  type DeliveryRow,
  type DeliveryView,
  toDeliveryView,
} from '../../domain/webhook-delivery.js';
import { ownEndpoint } from '../../domain/webhook-endpoint.js';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events.js';
import { ListWebhookDeliveries } from './list-deliveries.query.js';

export const DELIVERY_LIST: ListSpec = {
  name: 'webhook-deliveries',
  from: DELIVERIES_WITH_EVENTS,
  select: DELIVERY_COLUMNS,
  fields: {
    id: { sql: 'd.id', type: 'uuid' },
    eventId: { sql: 'd.event_id', type: 'uuid' },
    type: { sql: 'ev.type', type: 'enum', values: WEBHOOK_EVENT_TYPES },
    paymentId: { sql: 'ev.payment_id', type: 'uuid', nullable: true },
    status: { sql: 'd.status', type: 'enum', values: DELIVERY_STATUSES },
    attempts: { sql: 'd.attempts', type: 'integer' },
    lastStatusCode: { sql: 'd.last_status_code', type: 'integer', nullable: true },
    lastError: { sql: 'd.last_error', type: 'text', nullable: true },
    nextAttemptAt: { sql: 'd.next_attempt_at', type: 'timestamp', nullable: true },
    deliveredAt: { sql: 'd.delivered_at', type: 'timestamp', nullable: true },
    createdAt: { sql: 'd.created_at', type: 'timestamp' },
  },
  defaultSort: '-createdAt',
};

@QueryHandler(ListWebhookDeliveries)
export class ListWebhookDeliveriesHandler implements IQueryHandler<ListWebhookDeliveries> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
  ) {}

  async execute({ ownerId, endpointId, queryString }: ListWebhookDeliveries): Promise<Page<DeliveryView>> {
    await ownEndpoint(this.db, ownerId, endpointId);
    return this.lists.page<DeliveryRow, DeliveryView>(
      this.db,
      DELIVERY_LIST,
      queryString,
      { sql: 'd.endpoint_id = $1', params: [endpointId] },
      toDeliveryView,
    );
  }
}
