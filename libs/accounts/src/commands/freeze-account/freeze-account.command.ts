import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { AccountView, FreezeMode } from '../../domain/account.js';

/** An administrator stops the account's debits, credits or both; freezing a frozen account changes its mode and reason. */
export class FreezeAccount extends Command<AccountView> {
  constructor(
    readonly admin: AuthUser,
    readonly accountId: string,
    readonly mode: FreezeMode,
    readonly reason: string,
  ) {
    super();
  }
}
