import { Query } from '@nestjs/cqrs';
import type { Page } from '#platform';
import type { ApiKeyView } from '../../domain/api-key.view.js';

export class ListApiKeys extends Query<Page<ApiKeyView>> {
  constructor(
    readonly userId: string,
    readonly queryString: string,
  ) {
    super();
  }
}
