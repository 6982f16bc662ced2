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
