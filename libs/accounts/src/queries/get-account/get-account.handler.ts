import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Currencies } from '#platform';
import { AccountAccess } from '../../domain/account-access.js';
import { toAccountView, type AccountView } from '../../domain/account.js';
import { GetAccount } from './get-account.query.js';

@QueryHandler(GetAccount)
export class GetAccountHandler implements IQueryHandler<GetAccount> {
  constructor(
    private readonly access: AccountAccess,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, accountId }: GetAccount): Promise<AccountView> {
    return toAccountView(await this.access.readable(user, accountId), this.currencies);
  }
}
