import type { Currencies } from '#platform';

export type AccountType = 'USER' | 'TECHNICAL';

/** Technical accounts exist once per configured currency; clients never create them. */
export const TECHNICAL_CODES = ['external:bank', 'external:wallet', 'fees', 'fx'] as const;
export type TechnicalCode = (typeof TECHNICAL_CODES)[number];

export interface AccountRow {
  id: string;
  user_id: string | null;
  type: AccountType;
  code: string | null;
  currency: string;
  name: string;
  balance: string;
  held_balance: string;
  created_at: Date;
}

export interface AccountView {
  id: string;
  userId: string | null;
  type: AccountType;
  code: string | null;
  currency: string;
  name: string;
  balance: string;
  heldBalance: string;
  availableBalance: string;
  createdAt: string;
}

export const ACCOUNT_COLUMNS = 'a.id, a.user_id, a.type, a.code, a.currency, a.name, a.balance, a.held_balance, a.created_at';

export function toAccountView(row: AccountRow, currencies: Currencies): AccountView {
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type,
    code: row.code,
    currency: row.currency,
    name: row.name,
    balance: currencies.format(row.balance, row.currency),
    heldBalance: currencies.format(row.held_balance, row.currency),
    availableBalance: currencies.format(BigInt(row.balance) - BigInt(row.held_balance), row.currency),
    createdAt: row.created_at.toISOString(),
  };
}
