import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid, NotFound } from '#platform';
import {
  DELIVERIES_CHANNEL,
  DELIVERY_COLUMNS,
  RESEND_NOW,
  type DeliveryRow,
  type DeliveryView,
  toDeliveryView,
} from '../../domain/webhook-delivery.js';
import { ownEndpoint } from '../../domain/webhook-endpoint.js';
import { RetryWebhookDelivery } from './retry-delivery.command.js';

@CommandHandler(RetryWebhookDelivery)
export class RetryWebhookDeliveryHandler implements ICommandHandler<RetryWebhookDelivery> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ ownerId, endpointId, deliveryId }: RetryWebhookDelivery): Promise<DeliveryView> {
    await ownEndpoint(this.db, ownerId, endpointId);
    if (!isUuid(deliveryId)) throw new NotFound('webhook delivery');
    const [row] = await this.db.query<DeliveryRow[]>(
      `WITH retried AS (UPDATE webhook_deliveries d SET ${RESEND_NOW} WHERE d.id = $1 AND d.endpoint_id = $2 RETURNING d.*)
       SELECT ${DELIVERY_COLUMNS}, pg_notify('${DELIVERIES_CHANNEL}', '') FROM retried d JOIN webhook_events ev ON ev.id = d.event_id`,
      [deliveryId, endpointId],
    );
    if (!row) throw new NotFound('webhook delivery');
    return toDeliveryView(row);
  }
}
