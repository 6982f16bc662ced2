import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { Acceptance } from '../../intake/payment-intake.js';

export class CreateWithdrawal extends Command<Acceptance> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
    readonly amount: string,
    readonly destination: string,
    readonly idempotencyKey: string | undefined,
  ) {
    super();
  }
}
