import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AttemptDeliveryHandler } from './commands/attempt-delivery/attempt-delivery.handler.js';
import { PurgeWebhookHistoryHandler } from './commands/purge-history/purge-history.handler.js';
import { DeliveryScheduler } from './delivery/delivery-scheduler.js';
import { HistoryPurger } from './delivery/history-purger.js';
import { OutcomeRecorder } from './delivery/outcome-recorder.js';
import { WebhookMetrics } from './delivery/webhook-metrics.js';
import { WebhookSender } from './delivery/webhook-sender.js';
import { WebhooksModule } from './webhooks.module.js';

/** The worker's side: fanning events out into deliveries, leasing them into per-endpoint lanes, sending and retrying them, purging them past retention. */
@Module({
  imports: [CqrsModule, WebhooksModule],
  providers: [
    DeliveryScheduler,
    OutcomeRecorder,
    WebhookSender,
    WebhookMetrics,
    AttemptDeliveryHandler,
    HistoryPurger,
    PurgeWebhookHistoryHandler,
  ],
})
export class WebhooksWorkerModule {}
