import { DomainError, type FieldProblem } from '#platform';

export class InvalidWebhookUrl extends DomainError {
  readonly code = 'INVALID_WEBHOOK_URL';
  readonly kind = 'invalid';
  override readonly fieldProblems: FieldProblem[];

  constructor(reason: string) {
    super(`url: ${reason}`);
    this.fieldProblems = [{ field: 'url', message: reason }];
  }
}

export class TooManyWebhookEndpoints extends DomainError {
  readonly code = 'TOO_MANY_WEBHOOK_ENDPOINTS';
  readonly kind = 'unprocessable';

  constructor(limit: number) {
    super(`a user may have at most ${limit} webhook endpoints; delete one first`);
  }
}
