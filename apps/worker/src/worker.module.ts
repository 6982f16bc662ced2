import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, PlatformModule } from '#platform';
import { PaymentsWorkerModule } from '#payments';
import { EventsModule } from '#events';

@Module({
  imports: [PlatformModule, HealthModule, MetricsModule, PaymentsWorkerModule, EventsModule],
})
export class WorkerModule {}
