import type { Currencies, Metadata } from '#platform';

export type AccountType = 'USER' | 'TECHNICAL';
/** What a freeze stops: money leaving the account, arriving, or both. */
export type FreezeMode = 'debits' | 'credits' | 'all';
export const FREEZE_MODES: readonly FreezeMode[] = ['debits', 'credits', 'all'];

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
  metadata: Metadata | null;
  frozen_mode: FreezeMode | null;
  frozen_reason: string | null;
  frozen_at: Date | null;
  frozen_by: string | null;
  closed_at: Date | null;
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
  metadata: Metadata;
  /** Set while frozen: what, why, by whom and since when. */
  frozen: { mode: FreezeMode; reason: string | null; frozenBy: string; frozenAt: string } | null;
  closedAt: string | null;
  createdAt: string;
}

export const ACCOUNT_COLUMNS =
  'a.id, a.user_id, a.type, a.code, a.currency, a.name, a.balance, a.held_balance, a.metadata, ' +
  'a.frozen_mode, a.frozen_reason, a.frozen_at, a.frozen_by, a.closed_at, a.created_at';

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
    metadata: row.metadata ?? {},
    frozen: row.frozen_mode && {
      mode: row.frozen_mode,
      reason: row.frozen_reason,
      frozenBy: row.frozen_by!,
      frozenAt: row.frozen_at!.toISOString(),
    },
    closedAt: row.closed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
