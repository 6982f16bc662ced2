import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { PaymentView } from '../../domain/payment.js';

/** Releases an AUTHORIZED payment's hold without moving any money: it ends VOIDED. */
export class VoidPayment extends Command<PaymentView> {
  constructor(
    readonly user: AuthUser,
    readonly paymentId: string,
  ) {
    super();
  }
}
