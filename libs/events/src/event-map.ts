import type { AccountView } from '#accounts';
import type { PaymentGroupView, PaymentView } from '#payments';

/** What a client may send on /events; `payment.watch` answers through its acknowledgement. */
export interface ClientToServerEvents {
  'payment.watch': (request: { paymentId: string }, ack: (answer: PaymentView | WatchRefused) => void) => void;
}

/** What a client receives on /events: every event about a payment in which its user pays or is paid. */
export interface ServerToClientEvents {
  'payment.initiated': (payment: PaymentView) => void;
  'payment.authorized': (payment: PaymentView) => void;
  'payment.completed': (payment: PaymentView) => void;
  'payment.failed': (payment: PaymentView) => void;
  'payment.voided': (payment: PaymentView) => void;
  'payment.expired': (payment: PaymentView) => void;
  /** To the account's owner: an administrator froze or unfroze it, or it was closed. */
  'account.frozen': (account: AccountView) => void;
  'account.unfrozen': (account: AccountView) => void;
  'account.closed': (account: AccountView) => void;
  /** To a payment group's sender, once it is final (each of its payments has its own events too). */
  'payment_group.completed': (group: PaymentGroupView) => void;
  'payment_group.failed': (group: PaymentGroupView) => void;
}

export interface WatchRefused {
  error: 'NOT_FOUND' | 'INTERNAL_ERROR';
}

export const EVENTS_NAMESPACE = '/events';

export const userRoom = (userId: string) => `user:${userId}`;
export const paymentRoom = (paymentId: string) => `payment:${paymentId}`;

/** The Redis channel prefix of adapter and emitter: QUEUE_PREFIX keeps deployments (and test runs) apart. */
export const socketIoKey = (queuePrefix: string) => `${queuePrefix}:socket.io`;
