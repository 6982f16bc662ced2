import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PaymentsModule } from '#payments';
import { UsersModule } from '#users';
import { EventsModule } from './events.module.js';
import { EventsGateway } from './gateway/events.gateway.js';

/** The /events Socket.IO gateway; imported by the api app only (with useRedisIoAdapter in its main.ts). */
@Module({
  imports: [CqrsModule, UsersModule, PaymentsModule, EventsModule],
  providers: [EventsGateway],
})
export class EventsGatewayModule {}
