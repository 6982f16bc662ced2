import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { PAYMENT_EVENTS, type PaymentEvent } from '#payments';
import { paymentRoom, userRoom } from '../event-map.js';
import { ClientEvents } from './client-events.js';

/** Forwards payment events to the sockets of the payment's parties and of those watching it. */
@EventsHandler(...PAYMENT_EVENTS)
export class PaymentEventsRelay implements IEventHandler<PaymentEvent> {
  constructor(private readonly clients: ClientEvents) {}

  handle(event: PaymentEvent): void {
    const rooms = [...event.userIds.map(userRoom), paymentRoom(event.payment.id)];
    this.clients.send(rooms, event.type, event.payment);
  }
}
