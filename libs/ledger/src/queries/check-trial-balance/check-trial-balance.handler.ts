import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies } from '#platform';
import { DataSource } from 'typeorm';
import { TRIAL_BALANCE_SQL } from '../../domain/trial-balance.sql.js';
import { CheckTrialBalance, type TrialBalance } from './check-trial-balance.query.js';

/**
 * The trial balance: operations sum to zero in every currency, and every account's balance equals
 * the sum of its operations, and every account's held balance the sum of its live holds. Read in one snapshot so postings in flight cannot skew it.
 */
@QueryHandler(CheckTrialBalance)
export class CheckTrialBalanceHandler implements IQueryHandler<CheckTrialBalance> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  execute(): Promise<TrialBalance> {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const sums = await tx.query<Array<{ currency: string; sum: string }>>(TRIAL_BALANCE_SQL.sumsByCurrency);
      const mismatched = await tx.query<Array<{ id: string; currency: string; balance: string; total: string; held: string; holds: string }>>(TRIAL_BALANCE_SQL.mismatchedAccounts);
      const sumOf = new Map(sums.map((s) => [s.currency, s.sum]));
      const codes = new Set([...this.currencies.all.map((c) => c.code), ...sumOf.keys()]);
      const currencies = [...codes].map((currency) => ({ currency, sum: this.currencies.format(sumOf.get(currency) ?? '0', currency) }));
      return {
        balanced: mismatched.length === 0 && [...sumOf.values()].every((s) => BigInt(s) === 0n),
        currencies,
        mismatchedAccounts: mismatched.map((m) => ({
          accountId: m.id,
          balance: this.currencies.format(m.balance, m.currency),
          operationsSum: this.currencies.format(m.total, m.currency),
          heldBalance: this.currencies.format(m.held, m.currency),
          liveHolds: this.currencies.format(m.holds, m.currency),
        })),
      };
    });
  }
}
