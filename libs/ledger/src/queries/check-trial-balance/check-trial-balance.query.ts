import { Query } from '@nestjs/cqrs';

export interface TrialBalance {
  balanced: boolean;
  currencies: Array<{ currency: string; sum: string }>;
  mismatchedAccounts: Array<{ accountId: string; balance: string; operationsSum: string; heldBalance: string; liveHolds: string }>;
}

export class CheckTrialBalance extends Query<TrialBalance> {}
