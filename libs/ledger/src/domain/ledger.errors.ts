import { DomainError } from '#platform';

/** A programming error upstream: nothing is written when the legs do not balance. */
export class UnbalancedPosting extends DomainError {
  readonly code = 'UNBALANCED_POSTING';
  readonly kind = 'invalid';
  constructor(paymentId: string, detail: string) {
    super(`posting for payment ${paymentId} is not balanced: ${detail}`);
  }
}
