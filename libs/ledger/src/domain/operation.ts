import type { Currencies } from '#platform';
import type { OperationType } from './posting.js';

export interface OperationRow {
  id: string;
  payment_id: string;
  account_id: string;
  type: OperationType;
  amount: string;
  currency: string;
  balance_after: string;
  created_at: Date;
}

export interface OperationView {
  id: string;
  paymentId: string;
  accountId: string;
  type: OperationType;
  amount: string;
  currency: string;
  balanceAfter: string;
  createdAt: string;
}

export function toOperationView(row: OperationRow, currencies: Currencies): OperationView {
  return {
    id: row.id,
    paymentId: row.payment_id,
    accountId: row.account_id,
    type: row.type,
    amount: currencies.format(row.amount, row.currency),
    currency: row.currency,
    balanceAfter: currencies.format(row.balance_after, row.currency),
    createdAt: row.created_at.toISOString(),
  };
}
