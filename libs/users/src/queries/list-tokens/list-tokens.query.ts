import { Query } from '@nestjs/cqrs';
import type { Page } from '#platform';
import type { TokenView } from '../../domain/user.view.js';

export class ListTokens extends Query<Page<TokenView>> {
  constructor(
    readonly userId: string,
    readonly queryString: string,
  ) {
    super();
  }
}
