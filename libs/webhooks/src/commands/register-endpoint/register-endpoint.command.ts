import { Command } from '@nestjs/cqrs';
import type { Metadata } from '#platform';
import type { WebhookEndpointWithSecret } from '../../domain/webhook-endpoint.js';

/** Registers an endpoint for the owner's payments' events (every payment's, for an administrator). */
export class RegisterWebhookEndpoint extends Command<WebhookEndpointWithSecret> {
  constructor(
    readonly ownerId: string,
    readonly url: string,
    readonly events: string[] | undefined,
    readonly description: string | undefined,
    readonly metadata?: Metadata | null,
  ) {
    super();
  }
}
