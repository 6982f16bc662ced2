import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TechnicalAccounts } from '#accounts';
import { Currencies } from '#platform';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { PayerAccounts } from '../../intake/payer-accounts.js';
import { type Acceptance, PaymentIntake } from '../../intake/payment-intake.js';
import { CreateDeposit } from './create-deposit.command.js';

/** A bank transfer received: from `external:bank` to a user's account, once per externalRef. */
@CommandHandler(CreateDeposit)
export class CreateDepositHandler implements ICommandHandler<CreateDeposit> {
  constructor(
    private readonly accounts: PayerAccounts,
    private readonly technical: TechnicalAccounts,
    private readonly intake: PaymentIntake,
    private readonly currencies: Currencies,
  ) {}

  async execute(command: CreateDeposit): Promise<Acceptance> {
    const idempotencyKey = parseIdempotencyKey(command.idempotencyKeys);
    const to = await this.accounts.anyUserAccount(command.accountId);
    const amount = this.currencies.parse(command.amount, to.currency);
    return this.intake.accept(
      {
        type: 'DEPOSIT',
        initiatorId: command.admin.id,
        payerUserId: null,
        payeeUserId: to.user_id,
        fromAccountId: this.technical.id('external:bank', to.currency),
        toAccountId: to.id,
        amount,
        currency: to.currency,
        externalRef: command.externalRef,
        metadata: command.metadata,
      },
      idempotencyKey,
    );
  }
}
