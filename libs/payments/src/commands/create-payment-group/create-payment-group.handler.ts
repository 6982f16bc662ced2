import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { toPaymentGroupView } from '../../domain/payment-group.js';
import { GroupDrafts } from '../../intake/group-drafts.js';
import { PaymentIntake } from '../../intake/payment-intake.js';
import { CreatePaymentGroup, type GroupAccepted } from './create-payment-group.command.js';

/** Many payments in one request: each item allowed as if sent alone, all stored in one transaction. */
@CommandHandler(CreatePaymentGroup)
export class CreatePaymentGroupHandler implements ICommandHandler<CreatePaymentGroup> {
  constructor(
    private readonly drafts: GroupDrafts,
    private readonly intake: PaymentIntake,
  ) {}

  async execute({ user, request, idempotencyKeys }: CreatePaymentGroup): Promise<GroupAccepted> {
    const idempotencyKey = parseIdempotencyKey(idempotencyKeys);
    const accepted = await this.intake.acceptGroup(await this.drafts.group(user, request), idempotencyKey);
    return { group: { ...toPaymentGroupView(accepted.group), payments: accepted.payments }, created: accepted.created };
  }
}
