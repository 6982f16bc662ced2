import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { PaymentCompleted, PaymentFailed, PaymentInitiated } from '#payments';
import { paymentRoom, userRoom, type ServerToClientEvents } from '../event-map.js';
import { ClientEvents } from './client-events.js';

type PaymentEvent = PaymentInitiated | PaymentCompleted | PaymentFailed;

function eventName(event: PaymentEvent): keyof ServerToClientEvents {
  if (event instanceof PaymentCompleted) return 'payment.completed';
  if (event instanceof PaymentFailed) return 'payment.failed';
  return 'payment.initiated';
}

/** Forwards payment events to the sockets of the payment's parties and of those watching it. */
@EventsHandler(PaymentInitiated, PaymentCompleted, PaymentFailed)
export class PaymentEventsRelay implements IEventHandler<PaymentEvent> {
  constructor(private readonly clients: ClientEvents) {}

  handle(event: PaymentEvent): void {
    const rooms = [...event.userIds.map(userRoom), paymentRoom(event.payment.id)];
    this.clients.send(rooms, eventName(event), event.payment);
  }
}
