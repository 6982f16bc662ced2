import { Query } from '@nestjs/cqrs';
import type { AuthUser, Page } from '#platform';
import type { OperationView } from '../../domain/operation.js';

export class GetStatement extends Query<Page<OperationView>> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
    readonly queryString: string,
  ) {
    super();
  }
}
