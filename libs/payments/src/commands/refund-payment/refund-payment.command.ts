import { Command } from '@nestjs/cqrs';
import type { AuthUser, Metadata } from '#platform';
import type { Acceptance } from '../../intake/payment-intake.js';

export class RefundPayment extends Command<Acceptance> {
  constructor(
    readonly user: AuthUser,
    readonly paymentId: string,
    /** In the payment's target currency; undefined: all that is left to refund. */
    readonly amount: string | undefined,
    readonly reason: string | undefined,
    /** Every Idempotency-Key header of the request, as given. */
    readonly idempotencyKeys: readonly string[],
    readonly metadata?: Metadata | null,
  ) {
    super();
  }
}
