import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { PaymentDrafts } from '../../intake/payment-drafts.js';
import { type Acceptance, PaymentIntake } from '../../intake/payment-intake.js';
import { CreateWithdrawal } from './create-withdrawal.command.js';

/** Money out to an e-wallet (see PaymentDrafts.withdrawal). */
@CommandHandler(CreateWithdrawal)
export class CreateWithdrawalHandler implements ICommandHandler<CreateWithdrawal> {
  constructor(
    private readonly drafts: PaymentDrafts,
    private readonly intake: PaymentIntake,
  ) {}

  async execute(command: CreateWithdrawal): Promise<Acceptance> {
    const idempotencyKey = parseIdempotencyKey(command.idempotencyKeys);
    return this.intake.accept(await this.drafts.withdrawal(command.user, command), idempotencyKey);
  }
}
