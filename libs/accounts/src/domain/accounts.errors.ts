import { DomainError } from '#platform';

export class AccountNotEmpty extends DomainError {
  readonly code = 'ACCOUNT_NOT_EMPTY';
  readonly kind = 'conflict';
  constructor(balance: string, held: string) {
    super(`only an empty account can be closed: its balance is ${balance}, ${held} of it held by live holds`);
  }
}

export class AccountClosed extends DomainError {
  readonly code = 'ACCOUNT_CLOSED';
  readonly kind = 'conflict';
  constructor() {
    super('the account is closed: it stays readable and never reopens');
  }
}

export class AccountNotFrozen extends DomainError {
  readonly code = 'ACCOUNT_NOT_FROZEN';
  readonly kind = 'conflict';
  constructor() {
    super('the account is not frozen');
  }
}

export class TechnicalAccountFixed extends DomainError {
  readonly code = 'TECHNICAL_ACCOUNT';
  readonly kind = 'conflict';
  constructor() {
    super('a technical account can be neither frozen nor closed');
  }
}
