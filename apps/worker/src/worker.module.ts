import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, PlatformModule } from '#platform';
import { PaymentsWorkerModule } from '#payments';

@Module({
  imports: [PlatformModule, HealthModule, MetricsModule, PaymentsWorkerModule],
})
export class WorkerModule {}
