import { Module } from '@nestjs/common';
import { AuthGuardModule, HealthModule, MetricsModule, PlatformModule } from '#platform';
import { UsersHttpModule } from '#users';

@Module({
  imports: [PlatformModule, AuthGuardModule, HealthModule, MetricsModule, UsersHttpModule],
})
export class ApiModule {}
