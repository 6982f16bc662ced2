import { Query } from '@nestjs/cqrs';
import type { WebhookEndpointView } from '../../domain/webhook-endpoint.js';

export class GetWebhookEndpoint extends Query<WebhookEndpointView> {
  constructor(
    readonly ownerId: string,
    readonly endpointId: string,
  ) {
    super();
  }
}
