import { Command } from '@nestjs/cqrs';
import type { AuthUser, Metadata } from '#platform';
import type { CaptureMethod } from '../../domain/payment.js';
import type { Acceptance } from '../../intake/payment-intake.js';

export class CreateTransfer extends Command<Acceptance> {
  constructor(
    readonly user: AuthUser,
    readonly fromAccountId: string,
    readonly toAccountId: string,
    readonly amount: string,
    readonly description: string | undefined,
    readonly capture: CaptureMethod | undefined,
    /** Every Idempotency-Key header of the request, as given. */
    readonly idempotencyKeys: readonly string[],
    readonly metadata?: Metadata | null,
  ) {
    super();
  }
}
