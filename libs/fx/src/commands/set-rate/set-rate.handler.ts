import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Currencies, ValidationFailed } from '#platform';
import { formatRate, parseRate } from '../../domain/rate.js';
import type { RateView } from '../../domain/rate.view.js';
import { SetRate } from './set-rate.command.js';

@CommandHandler(SetRate)
export class SetRateHandler implements ICommandHandler<SetRate> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  async execute({ from, to, rate, setBy }: SetRate): Promise<RateView> {
    for (const code of [from, to]) this.currencies.get(code); // an unconfigured code: UNSUPPORTED_CURRENCY
    if (from === to) {
      throw new ValidationFailed('VALIDATION_FAILED', 'a rate converts between two different currencies', [
        { field: 'to', message: 'to must differ from from' },
      ]);
    }
    const exact = formatRate(parseRate(rate));
    const [row] = await this.db.query<Array<{ created_at: Date }>>(
      `INSERT INTO fx_rates (from_currency, to_currency, rate, created_by) VALUES ($1, $2, $3, $4) RETURNING created_at`,
      [from, to, exact, setBy],
    );
    return { from, to, rate: exact, updatedAt: row.created_at.toISOString() };
  }
}
