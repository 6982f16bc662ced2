import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, PlatformModule } from '#platform';
import { PAYMENTS_QUEUE, PaymentsWorkerModule } from '#payments';
import { EventsModule } from '#events';
import { WebhooksWorkerModule } from '#webhooks';

@Module({
  imports: [PlatformModule, HealthModule.forQueues(PAYMENTS_QUEUE), MetricsModule, PaymentsWorkerModule, EventsModule, WebhooksWorkerModule],
})
export class WorkerModule {}
