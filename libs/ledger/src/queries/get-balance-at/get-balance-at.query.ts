import { Query } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';

export interface BalanceAt {
  accountId: string;
  currency: string;
  balance: string;
  at: string;
  /** The last operation at or before `at`; null before the account's first. */
  operationId: string | null;
}

export class GetBalanceAt extends Query<BalanceAt> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
    readonly at: string | null,
  ) {
    super();
  }
}
