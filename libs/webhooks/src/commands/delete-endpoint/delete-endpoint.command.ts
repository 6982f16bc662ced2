import { Command } from '@nestjs/cqrs';

/** Removes an endpoint with its deliveries, pending ones included. */
export class DeleteWebhookEndpoint extends Command<void> {
  constructor(
    readonly ownerId: string,
    readonly endpointId: string,
  ) {
    super();
  }
}
