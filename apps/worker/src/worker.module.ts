import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, PlatformModule } from '#platform';
import { PAYMENTS_QUEUE, PaymentsWorkerModule } from '#payments';
import { EventsModule } from '#events';

@Module({
  imports: [PlatformModule, HealthModule.forQueues(PAYMENTS_QUEUE), MetricsModule, PaymentsWorkerModule, EventsModule],
})
export class WorkerModule {}
