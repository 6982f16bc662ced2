import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies } from '#platform';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { PaymentInitiated } from '../domain/payment-events.js';
import { PAYMENT_COLUMNS, partiesOf, type PaymentRow, type PaymentType, toPaymentView, type PaymentView } from '../domain/payment.js';
import { ExternalRefReused, IdempotencyKeyInUse, IdempotencyKeyReused } from '../domain/payments.errors.js';
import { PaymentMetrics } from '../processing/payment-metrics.js';
import { PaymentQueue } from '../processing/payment-queue.js';

/** A payment as validated by its command, with commission and rate fixed. */
export interface PaymentDraft {
  type: PaymentType;
  initiatorId: string;
  payerUserId: string | null;
  payeeUserId: string | null;
  fromAccountId: string;
  toAccountId: string;
  amount: bigint;
  currency: string;
  commission: bigint;
  targetAmount: bigint;
  targetCurrency: string;
  rate: string | null;
  description?: string | null;
  destination?: string | null;
  externalRef?: string | null;
}

export interface Acceptance {
  payment: PaymentView;
  /** False when an earlier request with the same key (or externalRef) is answered again. */
  created: boolean;
}

/**
 * Stores a validated payment INITIATED, once: a unique index on (initiator, Idempotency-Key)
 * and on externalRef makes concurrent repeats meet in the database, and a repeat with the same
 * request answers the existing payment. Only after the row is committed is the job enqueued.
 */
@Injectable()
export class PaymentIntake {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
    private readonly queue: PaymentQueue,
    private readonly events: EventBus,
    private readonly metrics: PaymentMetrics,
  ) {}

  async accept(draft: PaymentDraft, idempotencyKey: string | undefined): Promise<Acceptance> {
    const requestHash = hashRequest(draft);
    const [inserted] = (await this.db.query(
      `INSERT INTO payments AS p (id, type, initiator_id, payer_user_id, payee_user_id, from_account_id, to_account_id, amount, currency,
                                  commission, target_amount, target_currency, rate, description, destination, external_ref, idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT DO NOTHING
       RETURNING ${PAYMENT_COLUMNS}`,
      [
        uuidv7(), draft.type, draft.initiatorId, draft.payerUserId, draft.payeeUserId, draft.fromAccountId, draft.toAccountId,
        draft.amount.toString(), draft.currency, draft.commission.toString(), draft.targetAmount.toString(), draft.targetCurrency,
        draft.rate, draft.description ?? null, draft.destination ?? null, draft.externalRef ?? null, idempotencyKey ?? null, requestHash,
      ],
    )) as PaymentRow[];
    if (inserted) {
      this.metrics.accepted(inserted.type);
      await this.queue.enqueue(inserted.id);
      const payment = toPaymentView(inserted, this.currencies);
      this.events.publish(new PaymentInitiated(payment, partiesOf(inserted)));
      return { payment, created: true };
    }
    const existing = await this.existing(draft, idempotencyKey, requestHash);
    // A repeat of a payment whose job was lost (Redis was down) puts it back on the queue.
    if (existing.status === 'INITIATED') await this.queue.enqueue(existing.id);
    return { payment: toPaymentView(existing, this.currencies), created: false };
  }

  private async existing(draft: PaymentDraft, idempotencyKey: string | undefined, requestHash: string): Promise<PaymentRow> {
    if (idempotencyKey !== undefined) {
      const [byKey] = (await this.db.query(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.initiator_id = $1 AND p.idempotency_key = $2`, [
        draft.initiatorId,
        idempotencyKey,
      ])) as PaymentRow[];
      if (byKey) {
        if (byKey.request_hash !== requestHash) throw new IdempotencyKeyReused();
        return byKey;
      }
    }
    if (draft.externalRef) {
      const [byRef] = (await this.db.query(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.external_ref = $1`, [draft.externalRef])) as PaymentRow[];
      if (byRef) {
        if (byRef.request_hash !== requestHash) throw new ExternalRefReused();
        return byRef;
      }
    }
    // The conflicting insert was rolled back between our insert and this read.
    throw new IdempotencyKeyInUse();
  }
}

/** What makes two requests "the same": the validated request, amounts as minor units. */
function hashRequest(draft: PaymentDraft): string {
  const canonical = JSON.stringify([
    draft.type,
    draft.fromAccountId,
    draft.toAccountId,
    draft.amount.toString(),
    draft.description ?? null,
    draft.destination ?? null,
    draft.externalRef ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
