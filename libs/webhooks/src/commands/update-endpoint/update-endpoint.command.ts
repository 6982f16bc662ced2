import { Command } from '@nestjs/cqrs';
import type { MetadataPatch } from '#platform';
import type { WebhookEndpointView } from '../../domain/webhook-endpoint.js';

export interface EndpointChanges {
  url?: string;
  events?: string[];
  enabled?: boolean;
  /** `null` clears it. */
  description?: string | null;
  /** Merged into the endpoint's: a key set to null is removed. */
  metadata?: MetadataPatch;
}

/** Changes what is given and leaves the rest; a disabled endpoint gets no new events (those already recorded are still delivered). */
export class UpdateWebhookEndpoint extends Command<WebhookEndpointView> {
  constructor(
    readonly ownerId: string,
    readonly endpointId: string,
    readonly changes: EndpointChanges,
  ) {
    super();
  }
}
