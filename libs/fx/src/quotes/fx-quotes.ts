import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Currencies, formatAmount, InvalidAmount, isAmount } from '#platform';
import { RateNotAvailable } from '../domain/fx.errors.js';
import { convertAmount, formatRate, parseRate } from '../domain/rate.js';

export interface FxQuote {
  /** The rate applied, an exact decimal string such as "0.92". */
  rate: string;
  /** Minor units of the target currency: amount × rate, rounded half to even. */
  targetAmount: bigint;
}

/** Prices a conversion at the rate in force now, for payments that cross currencies. */
@Injectable()
export class FxQuotes {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  /**
   * Converts `amountMinor` of `from` into `to` at the current `from→to` rate. Pass the caller's
   * transaction as `manager` to read inside it. One currency converts to itself at "1".
   * @throws UnsupportedCurrency for a currency that is not configured
   * @throws RateNotAvailable when no rate is set for this direction
   * @throws InvalidAmount when the converted amount is not a valid amount of `to` itself: nothing,
   *   or more than 15 integer digits
   */
  async quote(
    from: string,
    to: string,
    amountMinor: bigint,
    manager: EntityManager = this.db.manager,
  ): Promise<FxQuote> {
    const source = this.currencies.get(from);
    const target = this.currencies.get(to);
    if (source.code === target.code) return { rate: '1', targetAmount: amountMinor };
    const [row] = await manager.query<Array<{ rate: string }>>(
      `SELECT rate FROM fx_rates WHERE from_currency = $1 AND to_currency = $2 ORDER BY id DESC LIMIT 1`,
      [from, to],
    );
    if (!row) throw new RateNotAvailable(from, to);
    const rate = formatRate(parseRate(row.rate));
    return { rate, targetAmount: this.convertAt(from, to, amountMinor, rate) };
  }

  /**
   * Converts `amountMinor` of `from` into `to` at a rate fixed earlier (a payment's own).
   * @throws InvalidAmount as `quote` does
   */
  convertAt(from: string, to: string, amountMinor: bigint, rate: string): bigint {
    const source = this.currencies.get(from);
    const target = this.currencies.get(to);
    const targetAmount = convertAmount(amountMinor, parseRate(rate), source, target);
    if (!isAmount(targetAmount, target)) {
      throw new InvalidAmount(
        `amount converts to ${formatAmount(targetAmount, target)} ${to} at ${rate}, not a valid amount (above zero, at most 15 integer digits)`,
      );
    }
    return targetAmount;
  }
}
