import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountEventsRelay } from './relay/account-events.relay.js';
import { ClientEvents } from './relay/client-events.js';
import { PaymentEventsRelay } from './relay/payment-events.relay.js';
import { PaymentGroupEventsRelay } from './relay/payment-group-events.relay.js';

/** Turns domain events into Socket.IO messages through Redis; imported by both apps. */
@Module({
  imports: [CqrsModule],
  providers: [ClientEvents, PaymentEventsRelay, AccountEventsRelay, PaymentGroupEventsRelay],
})
export class EventsModule {}
