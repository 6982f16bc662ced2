import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { FxQuotes } from '#fx';
import { Currencies } from '#platform';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { SameAccount } from '../../domain/payments.errors.js';
import { PayerAccounts } from '../../intake/payer-accounts.js';
import { type Acceptance, PaymentIntake } from '../../intake/payment-intake.js';
import { CreateTransfer } from './create-transfer.command.js';

/** A transfer to any user's account; across currencies at the rate in force now, fixed on the payment. */
@CommandHandler(CreateTransfer)
export class CreateTransferHandler implements ICommandHandler<CreateTransfer> {
  constructor(
    private readonly accounts: PayerAccounts,
    private readonly intake: PaymentIntake,
    private readonly currencies: Currencies,
    private readonly fx: FxQuotes,
  ) {}

  async execute(command: CreateTransfer): Promise<Acceptance> {
    const idempotencyKey = parseIdempotencyKey(command.idempotencyKeys);
    if (command.fromAccountId.toLowerCase() === command.toAccountId.toLowerCase()) throw new SameAccount(); // one UUID, however cased
    const from = await this.accounts.ownForPaying(command.user, command.fromAccountId);
    const to = await this.accounts.anyUserAccount(command.toAccountId);
    const amount = this.currencies.parse(command.amount, from.currency);
    const quote = from.currency === to.currency ? undefined : await this.fx.quote(from.currency, to.currency, amount);
    return this.intake.accept(
      {
        type: 'TRANSFER',
        initiatorId: command.user.id,
        payerUserId: from.user_id,
        payeeUserId: to.user_id,
        fromAccountId: from.id,
        toAccountId: to.id,
        amount,
        currency: from.currency,
        conversion: quote && { targetCurrency: to.currency, ...quote },
        description: command.description?.trim() || null,
        capture: command.capture ?? 'automatic',
        metadata: command.metadata,
      },
      idempotencyKey,
    );
  }
}
