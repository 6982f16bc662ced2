import fc from 'fast-check';
import { AppConfig, Currencies, divideHalfEven, InvalidAmount } from '#platform';
import type { PaymentRow } from './payment.js';
import { PaymentNotRefundable, RefundExceedsPayment } from './payments.errors.js';
import { assertMayRefund, refundDraft, returnedSource, type RefundTotals } from './refund.js';

const currencies = new Currencies(AppConfig.fromEnv({}));
const NONE: RefundTotals = { refunded: 0n, returned: 0n };

/** 10.00 USD paid as 9.20 EUR (rate 0.92), from payer to payee. */
function transfer(overrides: Partial<PaymentRow> = {}): PaymentRow {
  return {
    id: 'parent',
    type: 'TRANSFER',
    status: 'COMPLETED',
    payer_user_id: 'payer',
    payee_user_id: 'payee',
    from_account_id: 'payer-usd',
    to_account_id: 'payee-eur',
    amount: '1000',
    currency: 'USD',
    commission: '5',
    target_amount: '920',
    target_currency: 'EUR',
    rate: '0.92',
    description: null,
    destination: null,
    external_ref: null,
    failure_reason: null,
    capture: 'automatic',
    authorized_amount: null,
    expires_at: null,
    parent_payment_id: null,
    refunded_amount: '0',
    metadata: null,
    group_id: null,
    item_index: null,
    conditions: null,
    request_hash: 'h',
    created_at: new Date(),
    processed_at: new Date(),
    ...overrides,
  };
}

const user = (id: string, role: 'USER' | 'ADMIN' = 'USER', confirmed = true) =>
  ({ id, role, confirmed, email: `${id}@example.test` }) as never;

/** Refunds one after the other, each recorded as the totals the next one sees. */
function refundInTurn(parent: { amount: bigint; targetAmount: bigint }, refunds: bigint[]): bigint[] {
  const totals = { ...NONE };
  return refunds.map((refund) => {
    const returned = returnedSource(parent, totals, refund);
    totals.refunded += refund;
    totals.returned += returned;
    return returned;
  });
}

describe('what a refund returns to the payer', () => {
  const parent = { amount: 1000n, targetAmount: 920n };

  it('returns the refund itself when the parent converted nothing', () => {
    expect(refundInTurn({ amount: 1000n, targetAmount: 1000n }, [1n, 333n, 666n])).toEqual([1n, 333n, 666n]);
  });

  it("returns a first partial refund's half-even share of the parent's source amount", () => {
    expect(returnedSource(parent, NONE, 100n)).toBe(109n); // 100 × 1000 / 920 = 108.69…
    expect(returnedSource({ amount: 3n, targetAmount: 2n }, NONE, 1n)).toBe(2n); // 1.5 → 2 (even)
    expect(returnedSource({ amount: 5n, targetAmount: 2n }, NONE, 1n)).toBe(2n); // 2.5 → 2 (even)
  });

  it("keeps the payer's running total at the half-even share of everything refunded so far", () => {
    expect(refundInTurn(parent, [100n, 100n])).toEqual([109n, 108n]); // 200 × 1000 / 920 = 217.39…
  });

  it("returns exactly the parent's amount once the whole target amount is refunded, however it is split", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 20 }),
        (amount, targetAmount, weights) => {
          // Split the target amount into parts proportional to the weights (the last takes the rest).
          const total = weights.reduce((a, b) => a + b, 0n);
          const parts = weights.map((w) => (w * targetAmount) / total).filter((p) => p > 0n);
          const rest = targetAmount - parts.reduce((a, b) => a + b, 0n);
          if (rest > 0n) parts.push(rest);
          const returned = refundInTurn({ amount, targetAmount }, parts);
          expect(returned.every((r) => r >= 0n)).toBe(true);
          expect(returned.reduce((a, b) => a + b, 0n)).toBe(amount);
          let refunded = 0n;
          let sum = 0n;
          parts.forEach((part, i) => {
            refunded += part;
            sum += returned[i];
            expect(sum).toBe(divideHalfEven(refunded * amount, targetAmount));
          });
        },
      ),
    );
  });

  it("returns the rest of the parent's amount with the refund that completes it", () => {
    expect(returnedSource(parent, { refunded: 100n, returned: 109n }, 820n)).toBe(891n);
  });
});

describe("a refund's draft", () => {
  it("goes from the parent's payee back to its payer, in the target currency, converting back without a rate", () => {
    expect(refundDraft(transfer(), 'payee', NONE, 460n, 'broken', currencies)).toEqual({
      type: 'REFUND',
      initiatorId: 'payee',
      payerUserId: 'payee',
      payeeUserId: 'payer',
      fromAccountId: 'payee-eur',
      toAccountId: 'payer-usd',
      amount: 460n,
      currency: 'EUR',
      conversion: { targetCurrency: 'USD', targetAmount: 500n, rate: null },
      description: 'broken',
      parentPaymentId: 'parent',
    });
  });

  it('refunds all that is left when no amount is given', () => {
    const draft = refundDraft(transfer(), 'payee', { refunded: 100n, returned: 109n }, null, null, currencies);
    expect(draft).toMatchObject({ amount: 820n, conversion: { targetAmount: 891n } });
  });

  it('refuses more than is left, and anything once all is refunded, with REFUND_EXCEEDS_PAYMENT', () => {
    expect(() => refundDraft(transfer(), 'payee', { refunded: 900n, returned: 978n }, 21n, null, currencies)).toThrow(
      RefundExceedsPayment,
    );
    expect(() => refundDraft(transfer(), 'payee', { refunded: 900n, returned: 978n }, 21n, null, currencies)).toThrow(
      'only 0.20 EUR is left to refund',
    );
    expect(() => refundDraft(transfer(), 'payee', { refunded: 920n, returned: 1000n }, null, null, currencies)).toThrow(
      RefundExceedsPayment,
    );
  });

  it('refuses a refund that converts to nothing with INVALID_AMOUNT', () => {
    // 0.01 USD paid as 2 JPY: 1 JPY is half a cent, which rounds to nothing.
    const tiny = transfer({ amount: '1', target_amount: '2', target_currency: 'JPY' });
    expect(() => refundDraft(tiny, 'payee', NONE, 1n, null, currencies)).toThrow(InvalidAmount);
    expect(refundDraft(tiny, 'payee', NONE, 2n, null, currencies)).toMatchObject({ conversion: { targetAmount: 1n } });
  });
});

describe('who may refund', () => {
  it('lets the payee or an administrator refund a COMPLETED transfer', () => {
    expect(() => assertMayRefund(transfer(), user('payee'))).not.toThrow();
    expect(() => assertMayRefund(transfer(), user('admin', 'ADMIN'))).not.toThrow();
  });

  it('refuses the payer (who may see it) with FORBIDDEN and hides the payment from a stranger', () => {
    expect(() => assertMayRefund(transfer(), user('payer'))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertMayRefund(transfer(), user('stranger'))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('keeps deposit reversals and withdrawal returns to administrators', () => {
    const deposit = transfer({ type: 'DEPOSIT', payer_user_id: null });
    const withdrawal = transfer({ type: 'WITHDRAWAL', payee_user_id: null });
    expect(() => assertMayRefund(deposit, user('payee'))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertMayRefund(withdrawal, user('payer'))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertMayRefund(deposit, user('admin', 'ADMIN'))).not.toThrow();
    expect(() => assertMayRefund(withdrawal, user('admin', 'ADMIN'))).not.toThrow();
  });

  it('refunds no refund and no payment that is not COMPLETED (PAYMENT_NOT_REFUNDABLE)', () => {
    expect(() => assertMayRefund(transfer({ type: 'REFUND', parent_payment_id: 'p' }), user('admin', 'ADMIN'))).toThrow(
      PaymentNotRefundable,
    );
    expect(() => assertMayRefund(transfer({ status: 'FAILED' }), user('payee'))).toThrow(PaymentNotRefundable);
    expect(() => assertMayRefund(transfer({ status: 'INITIATED' }), user('payee'))).toThrow(PaymentNotRefundable);
  });

  it('asks the payee to confirm the e-mail address before giving money back', () => {
    expect(() => assertMayRefund(transfer(), user('payee', 'USER', false))).toThrow(
      expect.objectContaining({ code: 'EMAIL_NOT_CONFIRMED' }),
    );
  });
});
