import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AuthUser, Currencies, isUuid, NotFound } from '#platform';
import { DataSource } from 'typeorm';
import { type AccountEventType, AccountChanged } from './account-events.js';
import { ACCOUNT_COLUMNS, type AccountRow, toAccountView, type AccountView } from './account.js';
import { AccountClosed, TechnicalAccountFixed } from './accounts.errors.js';

// NO KEY UPDATE, the lock the ledger posts under: a posting either commits before the change or
// waits for it and reads the account as it left it. Never both, so no payment debits an account
// after its freeze committed.
const LOCK_ACCOUNT = `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1 FOR NO KEY UPDATE`;

/** What a change does to a locked account: its SET clause (on $2, $3, …: the change's own values) and the audit line. */
export interface StateChange {
  set: string;
  values: unknown[];
  audit: { action: 'FROZEN' | 'UNFROZEN' | 'CLOSED'; mode: string | null; reason: string | null };
  event: AccountEventType;
}

/**
 * Freezing, unfreezing and closing: under the account's lock, checked, audited (who and when) in
 * the same transaction, and announced after it commits. Technical accounts are never changed, and
 * a closed account never again.
 */
@Injectable()
export class AccountState {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
    private readonly events: EventBus,
  ) {}

  async change(actor: AuthUser, accountId: string, decide: (account: AccountRow) => StateChange): Promise<AccountView> {
    if (!isUuid(accountId)) throw new NotFound('account');
    const { row, event } = await this.db.transaction(async (tx) => {
      const [locked] = await tx.query<AccountRow[]>(LOCK_ACCOUNT, [accountId]);
      if (!locked || (actor.role !== 'ADMIN' && locked.user_id !== actor.id)) throw new NotFound('account');
      if (locked.type === 'TECHNICAL') throw new TechnicalAccountFixed();
      if (locked.closed_at) throw new AccountClosed();
      const change = decide(locked);
      const [[changed]] = await tx.query<[AccountRow[], number]>(
        `UPDATE accounts a SET ${change.set} WHERE a.id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
        [accountId, ...change.values],
      );
      await tx.query(
        `INSERT INTO account_audit (account_id, action, mode, reason, actor_id) VALUES ($1, $2, $3, $4, $5)`,
        [accountId, change.audit.action, change.audit.mode, change.audit.reason, actor.id],
      );
      return { row: changed, event: change.event };
    });
    const view = toAccountView(row, this.currencies);
    this.events.publish(new AccountChanged(event, view));
    return view;
  }
}
