import { Command } from '@nestjs/cqrs';
import type { AuthUser, MetadataPatch } from '#platform';
import type { AccountView } from '../../domain/account.js';

/** Renames an account and merges `metadata` into its own (a key set to null is removed). Owner or administrator. */
export class UpdateAccount extends Command<AccountView> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
    readonly name: string | undefined,
    readonly metadata: MetadataPatch | undefined,
  ) {
    super();
  }
}
