import { Query } from '@nestjs/cqrs';
import type { Page } from '#platform';
import type { WebhookEndpointView } from '../../domain/webhook-endpoint.js';

/** The caller's own endpoints: an administrator's list is no wider. */
export class ListWebhookEndpoints extends Query<Page<WebhookEndpointView>> {
  constructor(
    readonly ownerId: string,
    readonly queryString: string,
  ) {
    super();
  }
}
