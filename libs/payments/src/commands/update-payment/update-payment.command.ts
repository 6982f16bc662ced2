import { Command } from '@nestjs/cqrs';
import type { AuthUser, MetadataPatch } from '#platform';
import type { PaymentView } from '../../domain/payment.js';

/** Merges `metadata` into the payment's own (a key set to null is removed). Payer, payee or administrator. */
export class UpdatePayment extends Command<PaymentView> {
  constructor(
    readonly user: AuthUser,
    readonly paymentId: string,
    readonly metadata: MetadataPatch | undefined,
  ) {
    super();
  }
}
