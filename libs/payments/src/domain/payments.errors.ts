import { DomainError } from '#platform';

export class SameAccount extends DomainError {
  readonly code = 'SAME_ACCOUNT';
  readonly kind = 'invalid';
  constructor() {
    super('the payer and payee accounts must differ');
  }
}

export class EmailNotConfirmed extends DomainError {
  readonly code = 'EMAIL_NOT_CONFIRMED';
  readonly kind = 'forbidden';
  constructor() {
    super('confirm your e-mail address before moving money out');
  }
}

export class InvalidIdempotencyKey extends DomainError {
  readonly code = 'INVALID_IDEMPOTENCY_KEY';
  readonly kind = 'invalid';
  constructor(detail = 'Idempotency-Key must be 1 to 255 printable ASCII characters') {
    super(detail);
  }
}

export class IdempotencyKeyReused extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind = 'conflict';
  constructor() {
    super('this Idempotency-Key was used with a different request');
  }
}

export class IdempotencyKeyInUse extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_IN_USE';
  readonly kind = 'conflict';
  override readonly retryAfterSeconds = 1;
  constructor() {
    super('a request with this Idempotency-Key is still being processed; retry later');
  }
}

export class ExternalRefReused extends DomainError {
  readonly code = 'EXTERNAL_REF_REUSED';
  readonly kind = 'conflict';
  constructor() {
    super('this externalRef belongs to a different deposit');
  }
}

export class PaymentNotAuthorized extends DomainError {
  readonly code = 'PAYMENT_NOT_AUTHORIZED';
  readonly kind = 'conflict';
  constructor(status: string) {
    super(`the payment is ${status}, not AUTHORIZED: only an authorized hold can be captured or voided`);
  }
}

export class AuthorizationExpired extends DomainError {
  readonly code = 'AUTHORIZATION_EXPIRED';
  readonly kind = 'conflict';
  constructor(expiresAt: Date) {
    super(`the hold expired at ${expiresAt.toISOString()}: its money is released`);
  }
}

export class CaptureExceedsAuthorized extends DomainError {
  readonly code = 'CAPTURE_EXCEEDS_AUTHORIZED';
  readonly kind = 'unprocessable';
  constructor(authorized: string) {
    super(`at most the authorized ${authorized} can be captured`);
  }
}

export class PaymentNotRefundable extends DomainError {
  readonly code = 'PAYMENT_NOT_REFUNDABLE';
  readonly kind = 'conflict';
}

export class RefundExceedsPayment extends DomainError {
  readonly code = 'REFUND_EXCEEDS_PAYMENT';
  readonly kind = 'unprocessable';
}

/** Posting is further behind than its bounds: accepting more would only lengthen the wait of every payment. */
export class ServiceOverloaded extends DomainError {
  readonly code = 'SERVICE_OVERLOADED';
  readonly kind = 'unavailable';
  constructor(
    detail: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(detail);
  }
}

/** One item of a group refused, as it would be alone: its code and status, the item named. */
export class GroupItemRefused extends DomainError {
  readonly code: string;
  readonly kind: DomainError['kind'];
  override readonly fieldProblems: DomainError['fieldProblems'];

  constructor(
    readonly itemIndex: number,
    cause: DomainError,
  ) {
    super(`items[${itemIndex}]: ${cause.message}`);
    this.code = cause.code;
    this.kind = cause.kind;
    this.fieldProblems = (
      cause.fieldProblems?.length ? cause.fieldProblems : [{ field: '', message: cause.message }]
    ).map((p) => ({ field: p.field ? `items[${itemIndex}].${p.field}` : `items[${itemIndex}]`, message: p.message }));
  }
}
