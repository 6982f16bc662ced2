import type { TechnicalAccounts } from '#accounts';
import type { Leg } from '#ledger';
import type { PaymentRow } from './payment.js';

/**
 * The double-entry legs of a payment. The payer's account gives `amount` (plus commission to
 * `fees`); across currencies the money goes through the `fx` account of each currency.
 */
export function legsOf(
  payment: Pick<
    PaymentRow,
    'amount' | 'commission' | 'target_amount' | 'from_account_id' | 'to_account_id' | 'currency' | 'target_currency'
  >,
  technical: TechnicalAccounts,
): Leg[] {
  const amount = BigInt(payment.amount);
  const commission = BigInt(payment.commission);
  const targetAmount = BigInt(payment.target_amount);
  const from = payment.from_account_id;
  const to = payment.to_account_id;
  const source = payment.currency;
  const target = payment.target_currency;
  const legs: Leg[] =
    source === target
      ? [
          { accountId: from, currency: source, amount: -amount, type: 'TRANSFER' },
          { accountId: to, currency: source, amount, type: 'TRANSFER' },
        ]
      : [
          { accountId: from, currency: source, amount: -amount, type: 'EXCHANGE' },
          { accountId: technical.id('fx', source), currency: source, amount, type: 'EXCHANGE' },
          { accountId: technical.id('fx', target), currency: target, amount: -targetAmount, type: 'EXCHANGE' },
          { accountId: to, currency: target, amount: targetAmount, type: 'EXCHANGE' },
        ];
  if (commission > 0n) {
    legs.push(
      { accountId: from, currency: source, amount: -commission, type: 'COMMISSION' },
      { accountId: technical.id('fees', source), currency: source, amount: commission, type: 'COMMISSION' },
    );
  }
  return legs;
}
