import { Query } from '@nestjs/cqrs';
import type { Page } from '#platform';
import type { DeliveryView } from '../../domain/webhook-delivery.js';

/** The deliveries of one of the caller's endpoints. */
export class ListWebhookDeliveries extends Query<Page<DeliveryView>> {
  constructor(
    readonly ownerId: string,
    readonly endpointId: string,
    readonly queryString: string,
  ) {
    super();
  }
}
