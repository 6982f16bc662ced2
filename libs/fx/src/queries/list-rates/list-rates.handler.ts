import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Currencies, type ListSpec, ListQueries, type Page } from '#platform';
import { formatRate, parseRate } from '../../domain/rate.js';
import type { RateView } from '../../domain/rate.view.js';
import { ListRates } from './list-rates.query.js';

/**
 * The current rate of every configured pair: one index probe per pair for its latest row, so a
 * page costs the same however long the history grows. Currency codes are inlined as literals:
 * they come from the validated configuration (ISO codes), never from a request.
 */
export function currentRatesList(codes: readonly string[]): ListSpec {
  const values = codes.map((code) => `('${code}'::char(3))`).join(', ');
  return {
    name: 'rates',
    from: `(SELECT f.code AS from_currency, t.code AS to_currency, latest.rate, latest.created_at
              FROM (VALUES ${values}) AS f (code)
              CROSS JOIN (VALUES ${values}) AS t (code)
              CROSS JOIN LATERAL (
                SELECT r.rate, r.created_at FROM fx_rates r
                 WHERE r.from_currency = f.code AND r.to_currency = t.code
                 ORDER BY r.id DESC LIMIT 1
              ) AS latest) AS current_rates`,
    select: 'current_rates.from_currency, current_rates.to_currency, current_rates.rate, current_rates.created_at',
    fields: {
      from: { sql: 'current_rates.from_currency', type: 'enum', values: codes },
      to: { sql: 'current_rates.to_currency', type: 'enum', values: codes },
      rate: { sql: 'current_rates.rate', type: 'decimal' },
      updatedAt: { sql: 'current_rates.created_at', type: 'timestamp' },
    },
    defaultSort: 'from,to',
    tieBreakers: ['from', 'to'],
  };
}

interface CurrentRateRow {
  from_currency: string;
  to_currency: string;
  rate: string;
  created_at: Date;
}

@QueryHandler(ListRates)
export class ListRatesHandler implements IQueryHandler<ListRates> {
  private readonly spec: ListSpec;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListQueries,
    currencies: Currencies,
  ) {
    this.spec = currentRatesList(currencies.all.map((c) => c.code));
  }

  execute({ queryString }: ListRates): Promise<Page<RateView>> {
    return this.lists.page<CurrentRateRow, RateView>(this.db, this.spec, queryString, undefined, (row) => ({
      from: row.from_currency,
      to: row.to_currency,
      rate: formatRate(parseRate(row.rate)),
      updatedAt: row.created_at.toISOString(),
    }));
  }
}
