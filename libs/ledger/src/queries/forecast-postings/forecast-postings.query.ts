import { Query } from '@nestjs/cqrs';
import type { FailureReason, Posting } from '../../domain/posting.js';

/** An account as a forecast leaves it (minor units): its balance, and what holds reserve of it. */
export interface ForecastBalance {
  accountId: string;
  currency: string;
  balance: bigint;
  held: bigint;
}

export type ForecastOutcome =
  | { paymentId: string; status: 'COMPLETED' | 'AUTHORIZED' }
  | { paymentId: string; status: 'FAILED'; failureReason: FailureReason };

export interface Forecast {
  /** Per posting, in order: what posting the batch now would do to it. */
  outcomes: ForecastOutcome[];
  /** Every account the postings touch or check, after them. */
  balances: ForecastBalance[];
}

/**
 * What posting these would do, were they posted now, one after the other, with the same rules
 * as PostOperations; on the balances as committed, read without a lock. Writes nothing.
 */
export class ForecastPostings extends Query<Forecast> {
  constructor(readonly postings: Posting[]) {
    super();
  }
}
