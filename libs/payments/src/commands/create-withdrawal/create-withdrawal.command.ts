import { Command } from '@nestjs/cqrs';
import type { AuthUser, Metadata } from '#platform';
import type { Acceptance } from '../../intake/payment-intake.js';

export class CreateWithdrawal extends Command<Acceptance> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
    readonly amount: string,
    readonly destination: string,
    /** Every Idempotency-Key header of the request, as given. */
    readonly idempotencyKeys: readonly string[],
    readonly metadata?: Metadata | null,
  ) {
    super();
  }
}
