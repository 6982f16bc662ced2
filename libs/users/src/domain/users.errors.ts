import { DomainError } from '#platform';

export class EmailTaken extends DomainError {
  readonly code = 'EMAIL_TAKEN';
  readonly kind = 'conflict';
  constructor() {
    super('an account with this e-mail already exists');
  }
}

export class InvalidCredentials extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  readonly kind = 'unauthenticated';
  constructor() {
    super('e-mail or password is wrong');
  }
}

export class InvalidConfirmationToken extends DomainError {
  readonly code = 'INVALID_CONFIRMATION_TOKEN';
  readonly kind = 'invalid';
  constructor() {
    super('the confirmation token is unknown, used or expired');
  }
}
