import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TechnicalAccounts } from '#accounts';
import { Currencies } from '#platform';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { PayerAccounts } from '../../intake/payer-accounts.js';
import { type Acceptance, PaymentIntake } from '../../intake/payment-intake.js';
import { CreateWithdrawal } from './create-withdrawal.command.js';

/** Money out to an e-wallet: from the caller's account to `external:wallet`, the destination kept. */
@CommandHandler(CreateWithdrawal)
export class CreateWithdrawalHandler implements ICommandHandler<CreateWithdrawal> {
  constructor(
    private readonly accounts: PayerAccounts,
    private readonly technical: TechnicalAccounts,
    private readonly intake: PaymentIntake,
    private readonly currencies: Currencies,
  ) {}

  async execute(command: CreateWithdrawal): Promise<Acceptance> {
    const idempotencyKey = parseIdempotencyKey(command.idempotencyKeys);
    const from = await this.accounts.ownForPaying(command.user, command.accountId);
    const amount = this.currencies.parse(command.amount, from.currency);
    return this.intake.accept(
      {
        type: 'WITHDRAWAL',
        initiatorId: command.user.id,
        payerUserId: from.user_id,
        payeeUserId: null,
        fromAccountId: from.id,
        toAccountId: this.technical.id('external:wallet', from.currency),
        amount,
        currency: from.currency,
        destination: command.destination,
        metadata: command.metadata,
      },
      idempotencyKey,
    );
  }
}
