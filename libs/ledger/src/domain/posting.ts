export type OperationType = 'TRANSFER' | 'COMMISSION' | 'EXCHANGE';

/** One side of a movement: negative debits the account, positive credits it (minor units). */
export interface Leg {
  accountId: string;
  currency: string;
  amount: bigint;
  type: OperationType;
}

/** A reservation of available balance, placed instead of finishing a payment (manual capture). */
export interface Hold {
  accountId: string;
  currency: string;
  /** Minor units: what a capture may take, commission included. */
  amount: bigint;
  /** It expires this long after the transaction that places it. */
  ttlMs: number;
}

/** What an AUTHORIZED payment becomes once its hold is released: captured, voided or expired. */
export type Settlement = 'COMPLETED' | 'VOIDED' | 'EXPIRED';

/**
 * One payment's step in the ledger. By default it posts `legs` (summing to zero in each currency)
 * and the INITIATED payment ends COMPLETED. With `hold`, it posts nothing and reserves instead: the
 * payment becomes AUTHORIZED. With `settles`, it acts on an AUTHORIZED payment: its hold is
 * released first, whatever the outcome, then the legs of a capture are posted (none for a void or
 * an expiry).
 */
export interface Posting {
  paymentId: string;
  legs: Leg[];
  hold?: Hold;
  settles?: Settlement;
}

/** Why a payment ended FAILED. AMOUNT_OUT_OF_RANGE: a balance would pass what BIGINT holds. */
export const FAILURE_REASONS = ['INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND', 'AMOUNT_OUT_OF_RANGE', 'ACCOUNT_FROZEN', 'ACCOUNT_CLOSED'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export type PostingOutcome =
  | { paymentId: string; status: Settlement; processedAt: Date }
  | { paymentId: string; status: 'AUTHORIZED'; expiresAt: Date }
  | { paymentId: string; status: 'FAILED'; failureReason: FailureReason; processedAt: Date }
  /** The payment was no longer in the status the posting acts on: another run moved it on; nothing was written. */
  | { paymentId: string; status: 'SKIPPED' };
