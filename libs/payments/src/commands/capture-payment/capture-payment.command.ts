import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { PaymentView } from '../../domain/payment.js';

/**
 * Moves an AUTHORIZED payment's money: all of the hold, or `amount` of it and the rest released.
 * A repeat with the same Idempotency-Key answers the payment as it stands now.
 */
export class CapturePayment extends Command<PaymentView> {
  constructor(
    readonly user: AuthUser,
    readonly paymentId: string,
    readonly amount: string | undefined,
    /** Every Idempotency-Key header of the request, as given. */
    readonly idempotencyKeys: readonly string[],
  ) {
    super();
  }
}
