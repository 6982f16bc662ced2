import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { TechnicalAccounts } from '#accounts';
import { type ForecastOutcome, ForecastPostings, type Posting } from '#ledger';
import { type AuthUser, Currencies } from '#platform';
import { ledgerConditions } from '../domain/conditions.js';
import { legsOf } from '../domain/legs.js';
import type { PaymentView } from '../domain/payment.js';
import { type PaymentDraft, PaymentIntake } from './payment-intake.js';

/** The terms a payment would have, as its view shows them, and what posting it now would do. */
export type ItemQuote = Pick<
  PaymentView,
  | 'type'
  | 'fromAccountId'
  | 'toAccountId'
  | 'amount'
  | 'currency'
  | 'commission'
  | 'targetAmount'
  | 'targetCurrency'
  | 'rate'
  | 'failureReason'
> & { outcome: 'COMPLETED' | 'FAILED' };

export interface QuotedBalance {
  accountId: string;
  currency: string;
  balance: string;
  available: string;
}

export interface Quote {
  items: ItemQuote[];
  /** The caller's accounts the items touch (every user account, for an administrator), as they would be after. */
  balances: QuotedBalance[];
}

/**
 * A dry run: the payments' terms, and what the ledger would do with them now, by the same rules
 * and in the same order as the worker would post them. Nothing is stored and no lock outlives
 * the one read of balances; those may move before a real request.
 */
@Injectable()
export class PaymentQuotes {
  constructor(
    private readonly intake: PaymentIntake,
    private readonly queries: QueryBus,
    private readonly technical: TechnicalAccounts,
    private readonly currencies: Currencies,
  ) {}

  async quote(user: AuthUser, drafts: PaymentDraft[], atomic: boolean): Promise<Quote> {
    const terms = drafts.map((draft) => this.intake.termsOf(draft));
    const postings = drafts.map((draft, index): Posting => ({
      paymentId: String(index),
      legs: legsOf(
        {
          amount: draft.amount.toString(),
          commission: terms[index].commission.toString(),
          target_amount: terms[index].targetAmount.toString(),
          from_account_id: draft.fromAccountId,
          to_account_id: draft.toAccountId,
          currency: draft.currency,
          target_currency: terms[index].targetCurrency,
        },
        this.technical,
      ),
      conditions: ledgerConditions(draft),
      unit: atomic ? 'group' : undefined,
    }));
    const forecast = await this.queries.execute(new ForecastPostings(postings));
    // Technical accounts have no user: never shown.
    const shown = (userId: string | null) => userId !== null && (user.role === 'ADMIN' || userId === user.id);
    const mine = new Set(
      drafts.flatMap((d) => [
        ...(shown(d.payerUserId) ? [d.fromAccountId] : []),
        ...(shown(d.payeeUserId) ? [d.toAccountId] : []),
      ]),
    );
    return {
      items: drafts.map((draft, index) => this.itemQuote(draft, terms[index], forecast.outcomes[index])),
      balances: forecast.balances
        .filter((b) => mine.has(b.accountId))
        .map((b) => ({
          accountId: b.accountId,
          currency: b.currency,
          balance: this.currencies.format(b.balance, b.currency),
          available: this.currencies.format(b.balance - b.held, b.currency),
        })),
    };
  }

  private itemQuote(
    draft: PaymentDraft,
    terms: ReturnType<PaymentIntake['termsOf']>,
    outcome: ForecastOutcome,
  ): ItemQuote {
    return {
      type: draft.type,
      fromAccountId: draft.fromAccountId,
      toAccountId: draft.toAccountId,
      amount: this.currencies.format(draft.amount, draft.currency),
      currency: draft.currency,
      commission: this.currencies.format(terms.commission, draft.currency),
      targetAmount: this.currencies.format(terms.targetAmount, terms.targetCurrency),
      targetCurrency: terms.targetCurrency,
      rate: terms.rate,
      outcome: outcome.status === 'FAILED' ? 'FAILED' : 'COMPLETED',
      failureReason: outcome.status === 'FAILED' ? outcome.failureReason : null,
    };
  }
}
