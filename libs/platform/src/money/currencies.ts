import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { type Currency, currencyOf } from './currency.js';
import { formatAmount, parseAmount } from './money.js';
import { UnsupportedCurrency } from './money.errors.js';

/** The configured currencies: the only ones accounts, payments and rates may use. */
@Injectable()
export class Currencies {
  readonly all: readonly Currency[];
  private readonly byCode: Map<string, Currency>;

  constructor(config: AppConfig) {
    this.all = config.currencies.map(currencyOf);
    this.byCode = new Map(this.all.map((c) => [c.code, c]));
  }

  get(code: unknown): Currency {
    const currency = typeof code === 'string' ? this.byCode.get(code) : undefined;
    if (!currency) throw new UnsupportedCurrency(code);
    return currency;
  }

  parse(amount: unknown, code: string, options?: { allowZero?: boolean }): bigint {
    return parseAmount(amount, this.get(code), options);
  }

  format(minor: bigint | string, code: string): string {
    return formatAmount(BigInt(minor), this.get(code));
  }
}
