import { DomainError, type FieldProblem } from '#platform';

export class InvalidRate extends DomainError {
  readonly code = 'INVALID_RATE';
  readonly kind = 'invalid';
  override readonly fieldProblems: FieldProblem[];

  constructor(message: string) {
    super(`rate ${message}`);
    this.fieldProblems = [{ field: 'rate', message: `rate ${message}` }];
  }
}

/** No rate is set for this direction; the opposite one is never inverted in its place. */
export class RateNotAvailable extends DomainError {
  readonly code = 'RATE_NOT_AVAILABLE';
  readonly kind = 'unprocessable';

  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`no exchange rate from ${from} to ${to} is available`);
  }
}
