import { Injectable } from '@nestjs/common';
import { TechnicalAccounts } from '#accounts';
import { FxQuotes } from '#fx';
import { type AuthUser, Currencies, Forbidden, type Metadata } from '#platform';
import type { CaptureMethod } from '../domain/payment.js';
import { SameAccount } from '../domain/payments.errors.js';
import { PayerAccounts } from './payer-accounts.js';
import type { PaymentDraft } from './payment-intake.js';

export interface TransferRequest {
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  description?: string;
  capture?: CaptureMethod;
  metadata?: Metadata | null;
}

export interface WithdrawalRequest {
  accountId: string;
  amount: string;
  destination: string;
  metadata?: Metadata | null;
}

export interface DepositRequest {
  accountId: string;
  amount: string;
  externalRef: string;
  metadata?: Metadata | null;
}

/**
 * A request to move money, checked for what the caller may do and turned into the payment it
 * asks for: the same rules whether it comes alone, in a group, or to be quoted.
 */
@Injectable()
export class PaymentDrafts {
  constructor(
    private readonly accounts: PayerAccounts,
    private readonly technical: TechnicalAccounts,
    private readonly currencies: Currencies,
    private readonly fx: FxQuotes,
  ) {}

  /** To any user's account; across currencies at the rate in force now, fixed on the payment. */
  async transfer(user: AuthUser, request: TransferRequest): Promise<PaymentDraft> {
    // One UUID, however cased.
    if (request.fromAccountId.toLowerCase() === request.toAccountId.toLowerCase()) throw new SameAccount();
    const from = await this.accounts.ownForPaying(user, request.fromAccountId);
    const to = await this.accounts.anyUserAccount(request.toAccountId);
    const amount = this.currencies.parse(request.amount, from.currency);
    const quote = from.currency === to.currency ? undefined : await this.fx.quote(from.currency, to.currency, amount);
    return {
      type: 'TRANSFER',
      initiatorId: user.id,
      payerUserId: from.user_id,
      payeeUserId: to.user_id,
      fromAccountId: from.id,
      toAccountId: to.id,
      amount,
      currency: from.currency,
      conversion: quote && { targetCurrency: to.currency, ...quote },
      description: request.description?.trim() || null,
      capture: request.capture ?? 'automatic',
      metadata: request.metadata,
    };
  }

  /** Money out to an e-wallet: from the caller's account to `external:wallet`, the destination kept. */
  async withdrawal(user: AuthUser, request: WithdrawalRequest): Promise<PaymentDraft> {
    const from = await this.accounts.ownForPaying(user, request.accountId);
    return {
      type: 'WITHDRAWAL',
      initiatorId: user.id,
      payerUserId: from.user_id,
      payeeUserId: null,
      fromAccountId: from.id,
      toAccountId: this.technical.id('external:wallet', from.currency),
      amount: this.currencies.parse(request.amount, from.currency),
      currency: from.currency,
      destination: request.destination,
      metadata: request.metadata,
    };
  }

  /** A bank transfer received, by an administrator: from `external:bank`, once per externalRef. */
  async deposit(admin: AuthUser, request: DepositRequest): Promise<PaymentDraft> {
    if (admin.role !== 'ADMIN') throw new Forbidden('deposits are for administrators');
    const to = await this.accounts.anyUserAccount(request.accountId);
    return {
      type: 'DEPOSIT',
      initiatorId: admin.id,
      payerUserId: null,
      payeeUserId: to.user_id,
      fromAccountId: this.technical.id('external:bank', to.currency),
      toAccountId: to.id,
      amount: this.currencies.parse(request.amount, to.currency),
      currency: to.currency,
      externalRef: request.externalRef,
      metadata: request.metadata,
    };
  }
}
