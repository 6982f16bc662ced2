import { Command } from '@nestjs/cqrs';
import type { DeliveryLease } from '../../delivery/webhook-queue.js';

/**
 * Makes one attempt at each leased delivery still held by its lease, and records what became of
 * it. A lease since taken over (expired, or the delivery retried by hand) is left alone.
 */
export class DeliverWebhooks extends Command<void> {
  constructor(readonly leases: DeliveryLease[]) {
    super();
  }
}
