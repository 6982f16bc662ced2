import { Query } from '@nestjs/cqrs';
import type { AuthUser, Page } from '#platform';
import type { AccountView } from '../../domain/account.js';

export class ListAccounts extends Query<Page<AccountView>> {
  constructor(
    readonly user: AuthUser,
    readonly queryString: string,
  ) {
    super();
  }
}
