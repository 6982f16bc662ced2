import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies, InvalidQuery } from '#platform';
import { DataSource } from 'typeorm';
import { parseInstant } from '../../domain/instant.js';
import { TRIAL_BALANCE_SQL } from '../../domain/trial-balance.sql.js';
import { CheckTrialBalance, type TrialBalance } from './check-trial-balance.query.js';

interface Mismatch {
  id: string;
  currency: string;
  balance: string;
  total: string;
  held?: string;
  holds?: string;
}

/**
 * The trial balance: operations sum to zero in every currency, and every account's balance equals
 * the sum of its operations, and every account's held balance the sum of its live holds. Read in one snapshot so postings in flight cannot skew it.
 * As of a past moment, the same over the operations posted by then (holds keep no history).
 */
@QueryHandler(CheckTrialBalance)
export class CheckTrialBalanceHandler implements IQueryHandler<CheckTrialBalance> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  execute({ at: raw }: CheckTrialBalance): Promise<TrialBalance> {
    const at = raw === null ? null : parseInstant('at', raw);
    if (at && at.getTime() > Date.now()) throw new InvalidQuery('at is in the future');
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const sums = await (at
        ? tx.query<Array<{ currency: string; sum: string }>>(TRIAL_BALANCE_SQL.sumsByCurrencyAt, [at])
        : tx.query<Array<{ currency: string; sum: string }>>(TRIAL_BALANCE_SQL.sumsByCurrency));
      const mismatched = await (at
        ? tx.query<Mismatch[]>(TRIAL_BALANCE_SQL.mismatchedAccountsAt, [at])
        : tx.query<Mismatch[]>(TRIAL_BALANCE_SQL.mismatchedAccounts));
      const sumOf = new Map(sums.map((s) => [s.currency, s.sum]));
      const codes = new Set([...this.currencies.all.map((c) => c.code), ...sumOf.keys()]);
      const currencies = [...codes].map((currency) => ({
        currency,
        sum: this.currencies.format(sumOf.get(currency) ?? '0', currency),
      }));
      const format = (value: string | undefined, currency: string) =>
        value === undefined ? undefined : this.currencies.format(value, currency);
      return {
        balanced: mismatched.length === 0 && [...sumOf.values()].every((s) => BigInt(s) === 0n),
        currencies,
        mismatchedAccounts: mismatched.map((m) => ({
          accountId: m.id,
          balance: this.currencies.format(m.balance, m.currency),
          operationsSum: this.currencies.format(m.total, m.currency),
          heldBalance: format(m.held, m.currency),
          liveHolds: format(m.holds, m.currency),
        })),
        ...(at && { at: at.toISOString() }),
      };
    });
  }
}
