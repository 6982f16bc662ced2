import { BatchStatement, type Currencies, type Metadata, PreparedStatement } from '#platform';

export type PaymentType = 'TRANSFER' | 'DEPOSIT' | 'WITHDRAWAL' | 'REFUND';
export type PaymentStatus = 'INITIATED' | 'AUTHORIZED' | 'COMPLETED' | 'FAILED' | 'VOIDED' | 'EXPIRED';
/** Automatic: posted at once. Manual: the worker only holds the money, a capture moves it (or a void, or the expiry, releases it). */
export type CaptureMethod = 'automatic' | 'manual';
export const PAYMENT_TYPES: readonly PaymentType[] = ['TRANSFER', 'DEPOSIT', 'WITHDRAWAL', 'REFUND'];
export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'INITIATED',
  'AUTHORIZED',
  'COMPLETED',
  'FAILED',
  'VOIDED',
  'EXPIRED',
];
export const CAPTURE_METHODS: readonly CaptureMethod[] = ['automatic', 'manual'];

/** A group item's preconditions, as stored: minor units as strings. */
export interface StoredConditions {
  fromAvailableAtLeast?: string;
  toBalanceAtMost?: string;
}

export interface PaymentRow {
  id: string;
  type: PaymentType;
  status: PaymentStatus;
  payer_user_id: string | null;
  payee_user_id: string | null;
  from_account_id: string;
  to_account_id: string;
  amount: string;
  currency: string;
  commission: string;
  target_amount: string;
  target_currency: string;
  rate: string | null;
  description: string | null;
  destination: string | null;
  external_ref: string | null;
  failure_reason: string | null;
  capture: CaptureMethod;
  authorized_amount: string | null;
  expires_at: Date | null;
  parent_payment_id: string | null;
  /** In the target currency: the refunds that have not failed. */
  refunded_amount: string;
  metadata: Metadata | null;
  /** The payment group it was accepted in, and its place there; null for a payment accepted alone. */
  group_id: string | null;
  item_index: number | null;
  /** Minor units, as strings: the preconditions its posting checks (a group's items only). */
  conditions: StoredConditions | null;
  request_hash: string;
  created_at: Date;
  processed_at: Date | null;
}

/**
 * What the refunds of `p` that have not failed amount to, in its target currency. Only a COMPLETED
 * payment other than a refund can have any, so the payments the intake stores and the worker
 * posts (INITIATED) cost no probe of `payments_refunds`.
 */
export const REFUNDED_AMOUNT_SQL =
  `(CASE WHEN p.status = 'COMPLETED' AND p.type <> 'REFUND' ` +
  `THEN (SELECT coalesce(sum(r.amount), 0) FROM payments r WHERE r.parent_payment_id = p.id AND r.status <> 'FAILED') ELSE 0 END)`;

export const PAYMENT_COLUMNS =
  'p.id, p.type, p.status, p.payer_user_id, p.payee_user_id, p.from_account_id, p.to_account_id, p.amount, p.currency, p.commission, ' +
  'p.target_amount, p.target_currency, p.rate::text AS rate, p.description, p.destination, p.external_ref, p.failure_reason, p.capture, ' +
  'p.authorized_amount, p.expires_at, p.request_hash, p.created_at, p.processed_at, p.parent_payment_id, p.metadata, ' +
  'p.group_id, p.item_index, p.conditions, ' +
  `${REFUNDED_AMOUNT_SQL}::text AS refunded_amount`;

/** By primary key alone (see PaymentPostings): the status is checked on the rows read. */
export const FIND_PAYMENTS = new BatchStatement(
  `SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.id = ANY($1::uuid[])`,
);

/** The payments of these groups, each group's in item order: what its worker posts together. */
export const FIND_GROUP_PAYMENTS = new BatchStatement(
  `SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.group_id = ANY($1::uuid[]) ORDER BY p.group_id, p.item_index`,
);

/** One payment by id: what a client polls until its payment is final. */
export const FIND_PAYMENT = new PreparedStatement(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.id = $1`);

export interface PaymentView {
  id: string;
  type: PaymentType;
  status: PaymentStatus;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: string;
  commission: string;
  targetAmount: string;
  targetCurrency: string;
  rate: string | null;
  description: string | null;
  destination: string | null;
  externalRef: string | null;
  failureReason: string | null;
  capture: CaptureMethod;
  authorizedAmount: string | null;
  expiresAt: string | null;
  createdAt: string;
  processedAt: string | null;
  parentPaymentId: string | null;
  refundedAmount: string;
  metadata: Metadata;
  groupId: string | null;
}

export function toPaymentView(row: PaymentRow, currencies: Currencies): PaymentView {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    fromAccountId: row.from_account_id,
    toAccountId: row.to_account_id,
    amount: currencies.format(row.amount, row.currency),
    currency: row.currency,
    commission: currencies.format(row.commission, row.currency),
    targetAmount: currencies.format(row.target_amount, row.target_currency),
    targetCurrency: row.target_currency,
    rate: row.rate,
    description: row.description,
    destination: row.destination,
    externalRef: row.external_ref,
    failureReason: row.failure_reason,
    capture: row.capture,
    authorizedAmount: row.authorized_amount === null ? null : currencies.format(row.authorized_amount, row.currency),
    expiresAt: row.expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    processedAt: row.processed_at?.toISOString() ?? null,
    parentPaymentId: row.parent_payment_id,
    refundedAmount: currencies.format(row.refunded_amount, row.target_currency),
    metadata: row.metadata ?? {},
    // Absent from the webhook snapshots taken before groups existed.
    groupId: row.group_id ?? null,
  };
}

/** The users a payment concerns: they may read it and hear about it. */
export function partiesOf(row: Pick<PaymentRow, 'payer_user_id' | 'payee_user_id'>): string[] {
  return [...new Set([row.payer_user_id, row.payee_user_id].filter((id): id is string => id !== null))];
}
