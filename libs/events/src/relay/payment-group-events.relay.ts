import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { PaymentGroupSettled } from '#payments';
import { userRoom } from '../event-map.js';
import { ClientEvents } from './client-events.js';

/** Tells a group's sender that it completed or failed (each payment's own events go to its parties). */
@EventsHandler(PaymentGroupSettled)
export class PaymentGroupEventsRelay implements IEventHandler<PaymentGroupSettled> {
  constructor(private readonly clients: ClientEvents) {}

  handle({ type, group, userIds }: PaymentGroupSettled): void {
    this.clients.send(userIds.map(userRoom), type, group);
  }
}
