import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AccountView } from '../../domain/account.js';
import { AccountState } from '../../domain/account-state.js';
import { FreezeAccount } from './freeze-account.command.js';

@CommandHandler(FreezeAccount)
export class FreezeAccountHandler implements ICommandHandler<FreezeAccount> {
  constructor(private readonly state: AccountState) {}

  execute({ admin, accountId, mode, reason }: FreezeAccount): Promise<AccountView> {
    return this.state.change(admin, accountId, () => ({
      set: 'frozen_mode = $2, frozen_reason = $3, frozen_at = now(), frozen_by = $4',
      values: [mode, reason, admin.id],
      audit: { action: 'FROZEN', mode, reason },
      event: 'account.frozen',
    }));
  }
}
