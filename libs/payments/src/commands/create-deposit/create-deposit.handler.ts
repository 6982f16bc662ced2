import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { PaymentDrafts } from '../../intake/payment-drafts.js';
import { type Acceptance, PaymentIntake } from '../../intake/payment-intake.js';
import { CreateDeposit } from './create-deposit.command.js';

/** A bank transfer received (see PaymentDrafts.deposit). */
@CommandHandler(CreateDeposit)
export class CreateDepositHandler implements ICommandHandler<CreateDeposit> {
  constructor(
    private readonly drafts: PaymentDrafts,
    private readonly intake: PaymentIntake,
  ) {}

  async execute(command: CreateDeposit): Promise<Acceptance> {
    const idempotencyKey = parseIdempotencyKey(command.idempotencyKeys);
    return this.intake.accept(await this.drafts.deposit(command.admin, command), idempotencyKey);
  }
}
