export type OperationType = 'TRANSFER' | 'COMMISSION' | 'EXCHANGE';

/** One side of a movement: negative debits the account, positive credits it (minor units). */
export interface Leg {
  accountId: string;
  currency: string;
  amount: bigint;
  type: OperationType;
}

/** All the legs of one payment; they must sum to zero in each currency. */
export interface Posting {
  paymentId: string;
  legs: Leg[];
}

/** Why a payment ended FAILED. AMOUNT_OUT_OF_RANGE: a balance would pass what BIGINT holds. */
export const FAILURE_REASONS = ['INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND', 'AMOUNT_OUT_OF_RANGE'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export type PostingOutcome =
  | { paymentId: string; status: 'COMPLETED'; processedAt: Date }
  | { paymentId: string; status: 'FAILED'; failureReason: FailureReason; processedAt: Date }
  /** The payment was no longer INITIATED: another run finished it; nothing was written. */
  | { paymentId: string; status: 'ALREADY_FINAL' };
