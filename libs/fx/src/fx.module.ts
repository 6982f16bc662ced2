import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SetRateHandler } from './commands/set-rate/set-rate.handler.js';
import { ListRatesHandler } from './queries/list-rates/list-rates.handler.js';
import { FxQuotes } from './quotes/fx-quotes.js';

/** Rates and their history; quoting conversions for payments. */
@Module({
  imports: [CqrsModule],
  providers: [SetRateHandler, ListRatesHandler, FxQuotes],
  exports: [FxQuotes],
})
export class FxModule {}
