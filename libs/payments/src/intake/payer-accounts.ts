import { Injectable } from '@nestjs/common';
import { AccountAccess, type AccountRow } from '#accounts';
import { type AuthUser, NotFound } from '#platform';
import { EmailNotConfirmed } from '../domain/payments.errors.js';

/** What intake needs of an account: never changes once the account exists (balances are the ledger's). */
export type AccountIdentity = Pick<AccountRow, 'id' | 'user_id' | 'type' | 'currency'>;

const REMEMBERED_ACCOUNTS = 100_000;

/**
 * The account checks every way of moving money shares. An account's owner, type and currency are
 * fixed at opening and accounts are never deleted, so each is read once and then remembered:
 * accepting a payment costs no account query. Unknown ids are not remembered (they may be opened later).
 */
@Injectable()
export class PayerAccounts {
  private readonly remembered = new Map<string, AccountIdentity>();

  constructor(private readonly accounts: AccountAccess) {}

  /** The caller's own user account, from which money may leave only once the e-mail is confirmed. */
  async ownForPaying(user: AuthUser, accountId: string): Promise<AccountIdentity> {
    if (!user.confirmed) throw new EmailNotConfirmed();
    const account = await this.identity(accountId);
    if (!account || account.type !== 'USER' || account.user_id !== user.id) throw new NotFound('account');
    return account;
  }

  /** Any user's account (never a technical one) that may receive money. */
  async anyUserAccount(accountId: string): Promise<AccountIdentity> {
    const account = await this.identity(accountId);
    if (!account || account.type !== 'USER') throw new NotFound('account');
    return account;
  }

  private async identity(accountId: string): Promise<AccountIdentity | undefined> {
    const known = this.remembered.get(accountId);
    if (known) return known;
    const row = await this.accounts.find(accountId);
    if (!row) return undefined;
    if (this.remembered.size >= REMEMBERED_ACCOUNTS) this.remembered.clear();
    const identity = { id: row.id, user_id: row.user_id, type: row.type, currency: row.currency };
    this.remembered.set(accountId, identity);
    return identity;
  }
}
