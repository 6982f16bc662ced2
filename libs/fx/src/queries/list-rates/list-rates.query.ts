import { Query } from '@nestjs/cqrs';
import type { Page } from '#platform';
import type { RateView } from '../../domain/rate.view.js';

export class ListRates extends Query<Page<RateView>> {
  constructor(readonly queryString: string) {
    super();
  }
}
