import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, PlatformModule } from '#platform';
import { PAYMENTS_QUEUE, PaymentsWorkerModule } from '#payments';
import { EventsModule } from '#events';
import { LedgerMonitorModule } from '#ledger';
import { WebhooksWorkerModule } from '#webhooks';

@Module({
  imports: [
    PlatformModule,
    HealthModule.forQueues(PAYMENTS_QUEUE),
    MetricsModule,
    PaymentsWorkerModule,
    EventsModule,
    WebhooksWorkerModule,
    LedgerMonitorModule,
  ],
})
export class WorkerModule {}
