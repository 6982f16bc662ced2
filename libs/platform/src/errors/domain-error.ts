/**
 * What went wrong, in domain terms. The one problem-details filter turns `kind` into an HTTP
 * status and `code` into the contract's stable error code; the domain never speaks HTTP.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

export interface FieldProblem {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;
  readonly fieldProblems?: FieldProblem[];
  /** Seconds a client should wait before retrying (rate limits, a key in use). */
  readonly retryAfterSeconds?: number;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
