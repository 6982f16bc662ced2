import type { AccountView } from './account.js';

export const ACCOUNT_EVENT_TYPES = ['account.frozen', 'account.unfrozen', 'account.closed'] as const;
export type AccountEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

/** Published once the change has committed; the events library tells the account's owner. */
export class AccountChanged {
  constructor(
    readonly type: AccountEventType,
    readonly account: AccountView,
  ) {}
}
