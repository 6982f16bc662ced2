import { Injectable } from '@nestjs/common';
import { AccountAccess, type AccountRow } from '#accounts';
import { type AuthUser, NotFound } from '#platform';
import { EmailNotConfirmed } from '../domain/payments.errors.js';

/** The account checks every way of moving money shares. */
@Injectable()
export class PayerAccounts {
  constructor(private readonly accounts: AccountAccess) {}

  /** The caller's own user account, from which money may leave only once the e-mail is confirmed. */
  async ownForPaying(user: AuthUser, accountId: string): Promise<AccountRow> {
    if (!user.confirmed) throw new EmailNotConfirmed();
    const account = await this.accounts.find(accountId);
    if (!account || account.type !== 'USER' || account.user_id !== user.id) throw new NotFound('account');
    return account;
  }

  /** Any user's account (never a technical one) that may receive money. */
  async anyUserAccount(accountId: string): Promise<AccountRow> {
    const account = await this.accounts.find(accountId);
    if (!account || account.type !== 'USER') throw new NotFound('account');
    return account;
  }
}
