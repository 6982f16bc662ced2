import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertBalanced } from '../../domain/balance-check.js';
import { applyPostings } from '../../domain/batch.js';
import { accountsOf, readAccounts } from '../../domain/ledger-accounts.js';
import { type Forecast, ForecastPostings, type ForecastOutcome } from './forecast-postings.query.js';

@QueryHandler(ForecastPostings)
export class ForecastPostingsHandler implements IQueryHandler<ForecastPostings> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ postings }: ForecastPostings): Promise<Forecast> {
    if (postings.some((p) => p.settles)) throw new Error('a settlement is not forecast');
    postings.forEach(assertBalanced);
    const accounts = await readAccounts(this.db, accountsOf(postings, new Map()), { lock: false });
    const { decided } = applyPostings(postings, accounts);
    return {
      outcomes: decided as ForecastOutcome[],
      balances: [...accounts].map(([accountId, a]) => ({
        accountId,
        currency: a.currency,
        balance: a.balance,
        held: a.held,
      })),
    };
  }
}
