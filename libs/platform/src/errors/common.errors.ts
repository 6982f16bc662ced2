import { DomainError, type FieldProblem } from './domain-error.js';

export class NotFound extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor(what = 'resource') {
    super(`${what} not found`);
  }
}

export class Forbidden extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly kind = 'forbidden';
  constructor(message = 'this action is reserved to administrators') {
    super(message);
  }
}

export class Unauthorized extends DomainError {
  readonly code = 'UNAUTHORIZED';
  readonly kind = 'unauthenticated';
  constructor(message = 'a valid access token is required') {
    super(message);
  }
}

export class ValidationFailed extends DomainError {
  readonly kind = 'invalid';
  constructor(
    readonly code: string,
    message: string,
    override readonly fieldProblems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export class InvalidQuery extends DomainError {
  readonly code = 'INVALID_QUERY';
  readonly kind = 'invalid';
}

export class TooManyRequests extends DomainError {
  readonly code = 'TOO_MANY_REQUESTS';
  readonly kind = 'rate_limited';
  constructor(
    override readonly retryAfterSeconds: number,
    message = `too many requests; retry in ${retryAfterSeconds} s`,
  ) {
    super(message);
  }
}
