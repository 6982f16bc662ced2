import type { FailureReason, Posting } from './posting.js';

export interface LockedAccount {
  type: 'USER' | 'TECHNICAL';
  currency: string;
  balance: bigint;
}

// BIGINT, the column type of every amount, balance and balance_after.
const LEAST = -(2n ** 63n);
const GREATEST = 2n ** 63n - 1n;
const outOfRange = (value: bigint) => value < LEAST || value > GREATEST;

/**
 * Why a posting cannot be applied to the balances as they stand, or null when it can. Every leg's
 * running balance is checked, as each is written as an operation's balance_after: a value the
 * database cannot hold would fail the whole transaction, so it fails this one payment instead.
 */
export function refusalOf(posting: Posting, accounts: ReadonlyMap<string, LockedAccount>): FailureReason | null {
  const balances = new Map<string, bigint>();
  let overflows = false;
  for (const leg of posting.legs) {
    const account = accounts.get(leg.accountId);
    if (!account) return 'ACCOUNT_NOT_FOUND';
    if (account.currency !== leg.currency) throw new Error(`leg in ${leg.currency} on a ${account.currency} account ${leg.accountId}`);
    const balance = (balances.get(leg.accountId) ?? account.balance) + leg.amount;
    balances.set(leg.accountId, balance);
    overflows ||= outOfRange(leg.amount) || outOfRange(balance);
  }
  for (const [accountId, balance] of balances) {
    if (accounts.get(accountId)!.type === 'USER' && balance < 0n) return 'INSUFFICIENT_FUNDS';
  }
  return overflows ? 'AMOUNT_OUT_OF_RANGE' : null;
}
