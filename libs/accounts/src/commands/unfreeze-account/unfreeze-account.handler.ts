import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AccountView } from '../../domain/account.js';
import { AccountState } from '../../domain/account-state.js';
import { AccountNotFrozen } from '../../domain/accounts.errors.js';
import { UnfreezeAccount } from './unfreeze-account.command.js';

@CommandHandler(UnfreezeAccount)
export class UnfreezeAccountHandler implements ICommandHandler<UnfreezeAccount> {
  constructor(private readonly state: AccountState) {}

  execute({ admin, accountId, reason }: UnfreezeAccount): Promise<AccountView> {
    return this.state.change(admin, accountId, (account) => {
      if (!account.frozen_mode) throw new AccountNotFrozen();
      return {
        set: 'frozen_mode = NULL, frozen_reason = NULL, frozen_at = NULL, frozen_by = NULL',
        values: [],
        audit: { action: 'UNFROZEN', mode: null, reason: reason ?? null },
        event: 'account.unfrozen',
      };
    });
  }
}
