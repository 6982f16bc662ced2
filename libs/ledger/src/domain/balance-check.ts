import { UnbalancedPosting } from './ledger.errors.js';
import type { Posting } from './posting.js';

/**
 * Double entry: every posting sums to zero per currency and has no zero legs. Placing a hold,
 * voiding or expiring one posts no legs at all; nothing else may.
 */
export function assertBalanced(posting: Posting): void {
  const legless = posting.hold !== undefined || posting.settles === 'VOIDED' || posting.settles === 'EXPIRED';
  if (legless) {
    if (posting.legs.length) throw new UnbalancedPosting(posting.paymentId, 'a hold, void or expiry posts no legs');
    if (posting.hold && posting.hold.amount <= 0n) throw new UnbalancedPosting(posting.paymentId, 'a hold of nothing');
    return;
  }
  if (posting.legs.length < 2) throw new UnbalancedPosting(posting.paymentId, 'fewer than two legs');
  const sums = new Map<string, bigint>();
  for (const leg of posting.legs) {
    if (leg.amount === 0n) throw new UnbalancedPosting(posting.paymentId, 'a leg of zero');
    sums.set(leg.currency, (sums.get(leg.currency) ?? 0n) + leg.amount);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0n) throw new UnbalancedPosting(posting.paymentId, `${currency} legs sum to ${sum}`);
  }
}
