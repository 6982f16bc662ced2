import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { WebhookAddresses } from './address/webhook-addresses.js';

/** Webhooks' core, imported by both apps: where webhooks may go. */
@Module({
  imports: [CqrsModule],
  providers: [WebhookAddresses],
  exports: [WebhookAddresses],
})
export class WebhooksModule {}
