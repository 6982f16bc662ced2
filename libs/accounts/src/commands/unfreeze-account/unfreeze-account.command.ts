import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { AccountView } from '../../domain/account.js';

/** An administrator lifts a freeze. */
export class UnfreezeAccount extends Command<AccountView> {
  constructor(
    readonly admin: AuthUser,
    readonly accountId: string,
    readonly reason: string | undefined,
  ) {
    super();
  }
}
