import { Module } from '@nestjs/common';
import { AuthGuardModule, HealthModule, MetricsModule, PlatformModule, QueueDashboardModule } from '#platform';
import { UsersHttpModule } from '#users';
import { AccountsHttpModule } from '#accounts';
import { LedgerHttpModule } from '#ledger';
import { FxHttpModule } from '#fx';
import { PAYMENTS_QUEUE, PaymentsHttpModule } from '#payments';
import { EventsGatewayModule } from '#events';
import { WebhooksHttpModule } from '#webhooks';

@Module({
  imports: [
    PlatformModule,
    AuthGuardModule,
    HealthModule.forQueues(PAYMENTS_QUEUE),
    MetricsModule,
    UsersHttpModule,
    AccountsHttpModule,
    LedgerHttpModule,
    FxHttpModule,
    PaymentsHttpModule,
    EventsGatewayModule,
    WebhooksHttpModule,
    QueueDashboardModule.forQueues(PAYMENTS_QUEUE),
  ],
})
export class ApiModule {}
