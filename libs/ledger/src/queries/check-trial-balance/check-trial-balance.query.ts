import { Query } from '@nestjs/cqrs';

export interface TrialBalance {
  balanced: boolean;
  currencies: Array<{ currency: string; sum: string }>;
  mismatchedAccounts: Array<{
    accountId: string;
    balance: string;
    operationsSum: string;
    heldBalance?: string;
    liveHolds?: string;
  }>;
  /** Set when the balance is proved as of a past moment. */
  at?: string;
}

/** Now, or as of `at` (RFC 3339): the operations posted at or before it. */
export class CheckTrialBalance extends Query<TrialBalance> {
  constructor(readonly at: string | null = null) {
    super();
  }
}
