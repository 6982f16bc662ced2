import { BatchStatement } from '#platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { ReleasedHold } from './batch.js';
import type { Posting } from './posting.js';
import type { LockedAccount } from './refusal.js';

const COLUMNS = 'id, type, currency, balance, held_balance, frozen_mode, closed_at IS NOT NULL AS closed';

// Accounts by id, the same order in every transaction so none can deadlock another. NO KEY UPDATE,
// not UPDATE: only balances change, and no key ever does. A payment's hold changes only under its
// payment's lock, which the caller holds, so reading it needs no lock of its own.
const LOCK_ACCOUNTS = new BatchStatement(
  `SELECT ${COLUMNS} FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
);
/** For a forecast: the balances as committed now, which may move before any real posting. */
const READ_ACCOUNTS = new BatchStatement(`SELECT ${COLUMNS} FROM accounts WHERE id = ANY($1::uuid[])`);

type AccountRow = Pick<LockedAccount, 'type' | 'currency' | 'closed'> & {
  id: string;
  balance: string;
  held_balance: string;
  frozen_mode: LockedAccount['frozen'];
};

/** Every account a batch reads or writes: its legs', holds', conditions' and released holds'. */
export function accountsOf(postings: Posting[], released: ReadonlyMap<string, ReleasedHold>): string[] {
  const ids = new Set([...released.values()].map((h) => h.accountId));
  for (const p of postings) {
    for (const { accountId } of [...p.legs, ...(p.hold ? [p.hold] : []), ...(p.conditions ?? [])]) ids.add(accountId);
  }
  return [...ids].sort();
}

/** The accounts by id, locked for the rest of `db`'s transaction when `lock`; unknown ids are absent. */
export async function readAccounts(
  db: DataSource | EntityManager,
  ids: string[],
  { lock }: { lock: boolean },
): Promise<Map<string, LockedAccount>> {
  const rows = await (lock ? LOCK_ACCOUNTS : READ_ACCOUNTS).run<AccountRow[]>(db, [ids]);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        type: r.type,
        currency: r.currency.trim(),
        balance: BigInt(r.balance),
        held: BigInt(r.held_balance),
        frozen: r.frozen_mode,
        closed: r.closed,
      },
    ]),
  );
}
