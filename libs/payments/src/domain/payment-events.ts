import type { IEvent } from '@nestjs/cqrs';
import type { PaymentStatus, PaymentView } from './payment.js';

/** The name clients receive an event by: `payment.` and the status the payment reached. */
export type PaymentEventType = `payment.${Lowercase<PaymentStatus>}`;

/** Published after the transaction that justifies it has committed. */
export abstract class PaymentEvent implements IEvent {
  abstract readonly type: PaymentEventType;

  constructor(
    readonly payment: PaymentView,
    /** The users who pay or are paid. */
    readonly userIds: string[],
  ) {}
}

export class PaymentInitiated extends PaymentEvent {
  readonly type = 'payment.initiated';
}
export class PaymentAuthorized extends PaymentEvent {
  readonly type = 'payment.authorized';
}
export class PaymentCompleted extends PaymentEvent {
  readonly type = 'payment.completed';
}
export class PaymentFailed extends PaymentEvent {
  readonly type = 'payment.failed';
}
export class PaymentVoided extends PaymentEvent {
  readonly type = 'payment.voided';
}
export class PaymentExpired extends PaymentEvent {
  readonly type = 'payment.expired';
}

export const PAYMENT_EVENTS = [
  PaymentInitiated,
  PaymentAuthorized,
  PaymentCompleted,
  PaymentFailed,
  PaymentVoided,
  PaymentExpired,
] as const;

const EVENT_OF_STATUS: Record<PaymentStatus, new (payment: PaymentView, userIds: string[]) => PaymentEvent> = {
  INITIATED: PaymentInitiated,
  AUTHORIZED: PaymentAuthorized,
  COMPLETED: PaymentCompleted,
  FAILED: PaymentFailed,
  VOIDED: PaymentVoided,
  EXPIRED: PaymentExpired,
};

/** The event that announces a payment reaching its current status. */
export function eventOf(payment: PaymentView, userIds: string[]): PaymentEvent {
  return new EVENT_OF_STATUS[payment.status](payment, userIds);
}
