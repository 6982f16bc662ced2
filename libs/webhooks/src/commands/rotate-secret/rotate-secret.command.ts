import { Command } from '@nestjs/cqrs';
import type { WebhookEndpointWithSecret } from '../../domain/webhook-endpoint.js';

/** A new signing secret; the one it replaces keeps signing too for ROTATED_SECRET_LIFETIME, so receivers can switch over. */
export class RotateWebhookSecret extends Command<WebhookEndpointWithSecret> {
  constructor(
    readonly ownerId: string,
    readonly endpointId: string,
  ) {
    super();
  }
}
