import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { AccountChanged } from '#accounts';
import { userRoom } from '../event-map.js';
import { ClientEvents } from './client-events.js';

/** Tells an account's owner that it was frozen, unfrozen or closed (technical accounts have no owner and never change). */
@EventsHandler(AccountChanged)
export class AccountEventsRelay implements IEventHandler<AccountChanged> {
  constructor(private readonly clients: ClientEvents) {}

  handle({ type, account }: AccountChanged): void {
    if (account.userId) this.clients.send([userRoom(account.userId)], type, account);
  }
}
