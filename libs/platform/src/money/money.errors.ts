import { DomainError } from '../errors/domain-error.js';

export class InvalidAmount extends DomainError {
  readonly code = 'INVALID_AMOUNT';
  readonly kind = 'invalid';
}

export class UnsupportedCurrency extends DomainError {
  readonly code = 'UNSUPPORTED_CURRENCY';
  readonly kind = 'invalid';
  constructor(currency: unknown) {
    super(`currency ${JSON.stringify(currency)} is not supported`);
  }
}
