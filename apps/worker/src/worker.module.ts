import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, PlatformModule } from '#platform';

@Module({
  imports: [PlatformModule, HealthModule, MetricsModule],
})
export class WorkerModule {}
