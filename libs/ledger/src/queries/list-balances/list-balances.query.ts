import { Query } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';

export interface BalanceInterval {
  start: string;
  end: string;
  openingBalance: string;
  closingBalance: string;
  credits: string;
  debits: string;
  operationCount: number;
}

export interface BalanceIntervals {
  accountId: string;
  currency: string;
  interval: string;
  timezone: string;
  data: BalanceInterval[];
  nextCursor: string | null;
}

export class ListBalances extends Query<BalanceIntervals> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
    readonly queryString: string,
  ) {
    super();
  }
}
