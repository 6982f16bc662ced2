import { Command } from '@nestjs/cqrs';
import type { RateView } from '../../domain/rate.view.js';

/** Sets the rate of one direction from now on; earlier rates stay in the history. */
export class SetRate extends Command<RateView> {
  constructor(
    readonly from: string,
    readonly to: string,
    readonly rate: unknown,
    readonly setBy: string,
  ) {
    super();
  }
}
