import { type AuthUser, type Currencies, divideHalfEven, Forbidden, InvalidAmount, NotFound } from '#platform';
import type { PaymentDraft } from '../intake/payment-intake.js';
import { partiesOf, type PaymentRow } from './payment.js';
import { EmailNotConfirmed, PaymentNotRefundable, RefundExceedsPayment } from './payments.errors.js';

/** What the refunds of a payment that have not failed add up to, in minor units. */
export interface RefundTotals {
  /** In the parent's target currency: what its payee gave back. */
  refunded: bigint;
  /** In the parent's source currency: what its payer got back. */
  returned: bigint;
}

/**
 * Who may refund what. A COMPLETED transfer: its payee or an administrator. A COMPLETED deposit
 * (the bank reversed it) or withdrawal (the wallet returned it): an administrator only. One who
 * may not see the payment learns nothing of it (404); a refund, or a payment not COMPLETED, is
 * refundable by nobody (409); a party who may see it but not refund it is refused (403).
 */
export function assertMayRefund(parent: PaymentRow, user: AuthUser): void {
  const admin = user.role === 'ADMIN';
  if (!admin && !partiesOf(parent).includes(user.id)) throw new NotFound('payment');
  if (parent.type === 'REFUND') throw new PaymentNotRefundable('a refund cannot be refunded');
  if (parent.status !== 'COMPLETED')
    throw new PaymentNotRefundable(`only a COMPLETED payment can be refunded; this one is ${parent.status}`);
  if (!admin && !(parent.type === 'TRANSFER' && parent.payee_user_id === user.id)) {
    throw new Forbidden(
      parent.type === 'TRANSFER'
        ? 'only the payee or an administrator may refund a transfer'
        : `only an administrator may refund a ${parent.type.toLowerCase()}`,
    );
  }
  if (!user.confirmed) throw new EmailNotConfirmed();
}

/**
 * What a refund of `refund` (parent's target currency) gives back in the parent's source
 * currency: whatever keeps the payer's total the half-even share, at the parent's own
 * amount ÷ targetAmount, of everything refunded so far. So refunds of the whole target amount
 * return exactly the parent's amount, however it was split, and no refund returns less than
 * nothing; one partial refund may return a minor unit more or less than its own share would
 * round to, which the earlier ones' rounding had given or kept.
 */
export function returnedSource(
  parent: { amount: bigint; targetAmount: bigint },
  before: RefundTotals,
  refund: bigint,
): bigint {
  return divideHalfEven((before.refunded + refund) * parent.amount, parent.targetAmount) - before.returned;
}

/**
 * The refund of `requested` (by default, all that is left) of `parent`: from its payee's account
 * back to its payer's, in the parent's target currency, converted back across currencies.
 */
export function refundDraft(
  parent: PaymentRow,
  initiatorId: string,
  before: RefundTotals,
  requested: bigint | null,
  reason: string | null,
  currencies: Currencies,
): PaymentDraft {
  const remainder = BigInt(parent.target_amount) - before.refunded;
  const amount = requested ?? remainder;
  if (remainder <= 0n) throw new RefundExceedsPayment('the payment is refunded in full already');
  if (amount > remainder) {
    throw new RefundExceedsPayment(
      `only ${currencies.format(remainder, parent.target_currency)} ${parent.target_currency} is left to refund`,
    );
  }
  const returned = returnedSource(
    { amount: BigInt(parent.amount), targetAmount: BigInt(parent.target_amount) },
    before,
    amount,
  );
  if (returned <= 0n)
    throw new InvalidAmount(`the refund converts to nothing in ${parent.currency}; refund more at once`);
  return {
    type: 'REFUND',
    initiatorId,
    payerUserId: parent.payee_user_id,
    payeeUserId: parent.payer_user_id,
    fromAccountId: parent.to_account_id,
    toAccountId: parent.from_account_id,
    amount,
    currency: parent.target_currency,
    conversion:
      parent.currency === parent.target_currency
        ? undefined
        : { targetCurrency: parent.currency, targetAmount: returned, rate: null },
    description: reason,
    parentPaymentId: parent.id,
  };
}
