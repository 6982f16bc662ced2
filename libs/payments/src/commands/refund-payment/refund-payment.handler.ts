import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies, isUuid, NotFound } from '#platform';
import { DataSource } from 'typeorm';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { FIND_PAYMENT, type PaymentRow } from '../../domain/payment.js';
import { assertMayRefund, refundDraft } from '../../domain/refund.js';
import { type Acceptance, metadataIdentity, PaymentIntake } from '../../intake/payment-intake.js';
import { RefundPayment } from './refund-payment.command.js';

// Every refund of a payment is decided holding its row: one at a time, each sees those before it.
const LOCK_PARENT = `SELECT 1 FROM payments WHERE id = $1 FOR UPDATE`;
const REFUND_TOTALS = `SELECT coalesce(sum(amount), 0)::text AS refunded, coalesce(sum(target_amount), 0)::text AS returned
                         FROM payments WHERE parent_payment_id = $1 AND status <> 'FAILED'`;

/**
 * Gives a COMPLETED payment back, in full or in part: a new payment of type REFUND from its payee
 * to its payer, posted by the worker like any other. What is left to refund is the parent's target
 * amount less its refunds that have not FAILED (a failed one can be refunded again).
 */
@CommandHandler(RefundPayment)
export class RefundPaymentHandler implements ICommandHandler<RefundPayment> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly intake: PaymentIntake,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, paymentId, amount, reason, idempotencyKeys, metadata }: RefundPayment): Promise<Acceptance> {
    const idempotencyKey = parseIdempotencyKey(idempotencyKeys);
    if (!isUuid(paymentId)) throw new NotFound('payment');
    // Read without the lock: who the parties are and a COMPLETED status never change.
    const [parent] = await FIND_PAYMENT.run<PaymentRow[]>(this.db, [paymentId]);
    if (!parent) throw new NotFound('payment');
    assertMayRefund(parent, user);
    const requested = amount === undefined ? null : this.currencies.parse(amount, parent.target_currency);
    const description = reason?.trim() || null;
    return this.intake.acceptLocked(
      {
        initiatorId: user.id,
        identity: ['REFUND', parent.id, requested?.toString() ?? null, description, ...metadataIdentity(metadata)],
        lock: async (tx) => {
          await tx.query(LOCK_PARENT, [parent.id]);
        },
        draft: async (tx) => {
          const [totals] = await tx.query<Array<{ refunded: string; returned: string }>>(REFUND_TOTALS, [parent.id]);
          const before = { refunded: BigInt(totals.refunded), returned: BigInt(totals.returned) };
          return { ...refundDraft(parent, user.id, before, requested, description, this.currencies), metadata };
        },
      },
      idempotencyKey,
    );
  }
}
