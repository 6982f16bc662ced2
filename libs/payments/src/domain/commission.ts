import { type CommissionRule, divideHalfEven } from '#platform';

/**
 * Commission in minor units of the payer's currency: basis points of the amount rounded half to
 * even at the minor unit, then the rule's minimum and maximum.
 */
export function commissionFor(rule: CommissionRule, amount: bigint): bigint {
  let commission = divideHalfEven(amount * BigInt(rule.bps), 10_000n);
  if (commission < BigInt(rule.min)) commission = BigInt(rule.min);
  if (rule.max !== undefined && commission > BigInt(rule.max)) commission = BigInt(rule.max);
  return commission;
}
