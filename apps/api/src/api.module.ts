import { Module } from '@nestjs/common';
import { AuthGuardModule, HealthModule, MetricsModule, PlatformModule } from '#platform';
import { UsersHttpModule } from '#users';
import { AccountsHttpModule } from '#accounts';
import { LedgerHttpModule } from '#ledger';
import { FxHttpModule } from '#fx';
import { PaymentsHttpModule } from '#payments';
import { EventsGatewayModule } from '#events';

@Module({
  imports: [PlatformModule, AuthGuardModule, HealthModule, MetricsModule, UsersHttpModule, AccountsHttpModule, LedgerHttpModule, FxHttpModule, PaymentsHttpModule, EventsGatewayModule],
})
export class ApiModule {}
