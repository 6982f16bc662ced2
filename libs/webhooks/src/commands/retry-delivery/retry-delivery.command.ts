import { Command } from '@nestjs/cqrs';
import type { DeliveryView } from '../../domain/webhook-delivery.js';

/** Makes a delivery due now, whatever its status: a failed one is tried again, a delivered one resent, one in flight sent again after. */
export class RetryWebhookDelivery extends Command<DeliveryView> {
  constructor(
    readonly ownerId: string,
    readonly endpointId: string,
    readonly deliveryId: string,
  ) {
    super();
  }
}
