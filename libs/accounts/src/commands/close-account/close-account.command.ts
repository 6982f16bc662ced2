import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { AccountView } from '../../domain/account.js';

/** The owner or an administrator closes an empty account, for good. */
export class CloseAccount extends Command<AccountView> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
  ) {
    super();
  }
}
