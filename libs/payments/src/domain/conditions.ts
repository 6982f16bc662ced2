import type { Condition } from '#ledger';
import type { StoredConditions } from './payment.js';

/** A group item's preconditions, in minor units. */
export interface PaymentConditions {
  /** In the payer's currency: what the payer's account must have available before the item. */
  fromAvailableAtLeast?: bigint;
  /** In the payee's currency: what the payee's account may hold at most before the item. */
  toBalanceAtMost?: bigint;
}

interface Conditioned {
  fromAccountId: string;
  toAccountId: string;
  conditions?: PaymentConditions | null;
}

/** A payment's preconditions as the ledger checks them: on the payer's and the payee's accounts. */
export function ledgerConditions({ conditions, fromAccountId, toAccountId }: Conditioned): Condition[] | undefined {
  if (!conditions) return undefined;
  const checked: Condition[] = [];
  if (conditions.fromAvailableAtLeast !== undefined) {
    checked.push({ accountId: fromAccountId, availableAtLeast: conditions.fromAvailableAtLeast });
  }
  if (conditions.toBalanceAtMost !== undefined) {
    checked.push({ accountId: toAccountId, balanceAtMost: conditions.toBalanceAtMost });
  }
  return checked;
}

export function storedConditions(conditions: PaymentConditions | undefined): StoredConditions | null {
  if (!conditions) return null;
  const stored: StoredConditions = {};
  if (conditions.fromAvailableAtLeast !== undefined) {
    stored.fromAvailableAtLeast = conditions.fromAvailableAtLeast.toString();
  }
  if (conditions.toBalanceAtMost !== undefined) stored.toBalanceAtMost = conditions.toBalanceAtMost.toString();
  return Object.keys(stored).length ? stored : null;
}

export function parseStoredConditions(stored: StoredConditions | null): PaymentConditions | null {
  if (!stored) return null;
  const conditions: PaymentConditions = {};
  if (stored.fromAvailableAtLeast !== undefined) conditions.fromAvailableAtLeast = BigInt(stored.fromAvailableAtLeast);
  if (stored.toBalanceAtMost !== undefined) conditions.toBalanceAtMost = BigInt(stored.toBalanceAtMost);
  return conditions;
}
