export { SetRate } from './commands/set-rate/set-rate.command.js';
export { InvalidRate, RateNotAvailable } from './domain/fx.errors.js';
export type { RateView } from './domain/rate.view.js';
export { FxHttpModule } from './fx-http.module.js';
export { FxModule } from './fx.module.js';
export { ListRates } from './queries/list-rates/list-rates.query.js';
export { FxQuotes } from './quotes/fx-quotes.js';
export type { FxQuote } from './quotes/fx-quotes.js';
