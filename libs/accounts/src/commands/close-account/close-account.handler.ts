import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Currencies } from '#platform';
import type { AccountView } from '../../domain/account.js';
import { AccountState } from '../../domain/account-state.js';
import { AccountNotEmpty } from '../../domain/accounts.errors.js';
import { CloseAccount } from './close-account.command.js';

/**
 * Only at a zero balance with no live hold (the held balance is their sum, and the trial balance
 * proves it): decided under the account lock, so no posting slips in between.
 */
@CommandHandler(CloseAccount)
export class CloseAccountHandler implements ICommandHandler<CloseAccount> {
  constructor(
    private readonly state: AccountState,
    private readonly currencies: Currencies,
  ) {}

  execute({ user, accountId }: CloseAccount): Promise<AccountView> {
    return this.state.change(user, accountId, (account) => {
      if (BigInt(account.balance) !== 0n || BigInt(account.held_balance) !== 0n) {
        throw new AccountNotEmpty(
          this.currencies.format(account.balance, account.currency),
          this.currencies.format(account.held_balance, account.currency),
        );
      }
      return {
        set: 'closed_at = now()',
        values: [],
        audit: { action: 'CLOSED', mode: null, reason: null },
        event: 'account.closed',
      };
    });
  }
}
