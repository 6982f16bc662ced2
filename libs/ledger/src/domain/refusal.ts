import type { Condition, FailureReason, Posting } from './posting.js';

export interface LockedAccount {
  type: 'USER' | 'TECHNICAL';
  currency: string;
  balance: bigint;
  /** What live holds reserve; a user account's available balance is `balance - held`. */
  held: bigint;
  /** Set while an administrator has frozen the account's debits, credits or all. */
  frozen?: 'debits' | 'credits' | 'all' | null;
  closed?: boolean;
}

/** A closed account takes nothing; a frozen one nothing it is frozen against, except a hold's settlement. */
function blocked(account: LockedAccount, amount: bigint, settles: boolean): FailureReason | null {
  if (account.closed) return 'ACCOUNT_CLOSED';
  if (!account.frozen || settles || account.frozen === (amount < 0n ? 'credits' : 'debits')) return null;
  return 'ACCOUNT_FROZEN';
}

// BIGINT, the column type of every amount, balance and balance_after.
const LEAST = -(2n ** 63n);
const GREATEST = 2n ** 63n - 1n;
const outOfRange = (value: bigint) => value < LEAST || value > GREATEST;

function holds({ availableAtLeast, balanceAtMost }: Condition, account: LockedAccount): boolean {
  if (availableAtLeast !== undefined && account.balance - account.held < availableAtLeast) return false;
  return balanceAtMost === undefined || account.balance <= balanceAtMost;
}

/**
 * Why a posting cannot be applied to the balances as they stand, or null when it can. Every leg's
 * running balance is checked, as each is written as an operation's balance_after: a value the
 * database cannot hold would fail the whole transaction, so it fails this one payment instead.
 * Funds are what is available: the balance less what live holds reserve, a new hold included.
 * Its conditions are checked first. A frozen account refuses what it is frozen against, but a hold
 * placed before the freeze still settles: its money was promised then.
 */
export function refusalOf(posting: Posting, accounts: ReadonlyMap<string, LockedAccount>): FailureReason | null {
  const balances = new Map<string, bigint>();
  const held = new Map<string, bigint>();
  let overflows = false;
  const accountFor = (accountId: string, currency: string, what: 'leg' | 'hold') => {
    const account = accounts.get(accountId);
    if (account && account.currency !== currency)
      throw new Error(`${what} in ${currency} on a ${account.currency} account ${accountId}`);
    return account;
  };
  for (const condition of posting.conditions ?? []) {
    const account = accounts.get(condition.accountId);
    if (!account) return 'ACCOUNT_NOT_FOUND';
    if (!holds(condition, account)) return 'PRECONDITION_FAILED';
  }
  for (const leg of posting.legs) {
    const account = accountFor(leg.accountId, leg.currency, 'leg');
    if (!account) return 'ACCOUNT_NOT_FOUND';
    const refused = blocked(account, leg.amount, posting.settles !== undefined);
    if (refused) return refused;
    const balance = (balances.get(leg.accountId) ?? account.balance) + leg.amount;
    balances.set(leg.accountId, balance);
    overflows ||= outOfRange(leg.amount) || outOfRange(balance);
  }
  if (posting.hold) {
    const { accountId, currency, amount } = posting.hold;
    const account = accountFor(accountId, currency, 'hold');
    if (!account) return 'ACCOUNT_NOT_FOUND';
    const refused = blocked(account, -amount, false);
    if (refused) return refused;
    held.set(accountId, account.held + amount);
    overflows ||= outOfRange(amount) || outOfRange(account.held + amount);
  }
  for (const accountId of new Set([...balances.keys(), ...held.keys()])) {
    const account = accounts.get(accountId)!;
    const available = (balances.get(accountId) ?? account.balance) - (held.get(accountId) ?? account.held);
    if (account.type === 'USER' && available < 0n) return 'INSUFFICIENT_FUNDS';
  }
  return overflows ? 'AMOUNT_OUT_OF_RANGE' : null;
}
