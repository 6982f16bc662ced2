import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeliverWebhooksHandler } from './commands/deliver-webhooks/deliver-webhooks.handler.js';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher.js';
import { WebhookMetrics } from './delivery/webhook-metrics.js';
import { WebhookProcessor } from './delivery/webhook.processor.js';
import { WebhookSender } from './delivery/webhook-sender.js';
import { WebhooksModule } from './webhooks.module.js';

/** The worker's side: waking on recorded deliveries, leasing them into jobs, sending and retrying them. */
@Module({
  imports: [CqrsModule, WebhooksModule],
  providers: [DeliveryDispatcher, WebhookProcessor, WebhookSender, DeliverWebhooksHandler, WebhookMetrics],
})
export class WebhooksWorkerModule {}
