import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { PaymentDrafts } from '../../intake/payment-drafts.js';
import { type Acceptance, PaymentIntake } from '../../intake/payment-intake.js';
import { CreateTransfer } from './create-transfer.command.js';

/** A transfer to any user's account (see PaymentDrafts.transfer). */
@CommandHandler(CreateTransfer)
export class CreateTransferHandler implements ICommandHandler<CreateTransfer> {
  constructor(
    private readonly drafts: PaymentDrafts,
    private readonly intake: PaymentIntake,
  ) {}

  async execute(command: CreateTransfer): Promise<Acceptance> {
    const idempotencyKey = parseIdempotencyKey(command.idempotencyKeys);
    return this.intake.accept(await this.drafts.transfer(command.user, command), idempotencyKey);
  }
}
