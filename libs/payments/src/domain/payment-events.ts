import type { IEvent } from '@nestjs/cqrs';
import type { PaymentView } from './payment.js';

/** Published after the transaction that justifies it has committed. */
abstract class PaymentEvent implements IEvent {
  constructor(
    readonly payment: PaymentView,
    /** The users who pay or are paid. */
    readonly userIds: string[],
  ) {}
}

export class PaymentInitiated extends PaymentEvent {}
export class PaymentCompleted extends PaymentEvent {}
export class PaymentFailed extends PaymentEvent {}
