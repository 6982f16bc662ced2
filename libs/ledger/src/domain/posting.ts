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
 * A precondition on an account, checked before a posting's legs against its balances as the batch's
 * earlier postings left them: its available balance (balance less holds) at least, its balance at most.
 */
export interface Condition {
  accountId: string;
  availableAtLeast?: bigint;
  balanceAtMost?: bigint;
}

/**
 * One payment's step in the ledger. By default it posts `legs` (summing to zero in each currency).
 * With `hold`, it posts nothing and reserves instead. With `settles`, it acts on the payment's live
 * hold: the hold is released first, whatever the outcome, then the legs of a capture are posted
 * (none for a void or an expiry). Which payments are due a posting is the payments library's to say.
 */
export interface Posting {
  paymentId: string;
  legs: Leg[];
  hold?: Hold;
  settles?: Settlement;
  /** Refuses the posting (PRECONDITION_FAILED) unless each holds. */
  conditions?: Condition[];
  /**
   * Postings that share a unit, side by side in the batch, are applied all or none: when one is
   * refused, the others are too (GROUP_FAILED) and none of them writes anything.
   */
  unit?: string;
}

/**
 * Why a payment ended FAILED. AMOUNT_OUT_OF_RANGE: a balance would pass what BIGINT holds.
 * GROUP_FAILED: another posting of its unit was refused.
 */
export const FAILURE_REASONS = [
  'INSUFFICIENT_FUNDS',
  'ACCOUNT_NOT_FOUND',
  'AMOUNT_OUT_OF_RANGE',
  'ACCOUNT_FROZEN',
  'ACCOUNT_CLOSED',
  'PRECONDITION_FAILED',
  'GROUP_FAILED',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * What the ledger did with one posting: posted it (its settlement, COMPLETED when it settles
 * nothing), placed its hold (expiring then, by the database's clock), or refused it and wrote nothing
 * for it but the release of the hold it settles.
 */
export type PostingOutcome =
  | { paymentId: string; status: Settlement }
  | { paymentId: string; status: 'AUTHORIZED'; expiresAt: Date }
  | { paymentId: string; status: 'FAILED'; failureReason: FailureReason };
