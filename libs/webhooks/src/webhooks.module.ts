import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { QueueModule } from '#platform';
import { WebhookAddresses } from './address/webhook-addresses.js';
import { WEBHOOKS_QUEUE } from './delivery/webhook-queue.js';

/** Webhooks' core, imported by both apps: where webhooks may go, and their queue. */
@Module({
  imports: [CqrsModule, QueueModule, BullModule.registerQueue({ name: WEBHOOKS_QUEUE })],
  providers: [WebhookAddresses],
  exports: [WebhookAddresses, BullModule],
})
export class WebhooksModule {}
