import { Query } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { AccountView } from '../../domain/account.js';

export class GetAccount extends Query<AccountView> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
  ) {
    super();
  }
}
