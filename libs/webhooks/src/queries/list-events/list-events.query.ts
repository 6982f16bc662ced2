import { Query } from '@nestjs/cqrs';
import type { AuthUser, Page } from '#platform';
import type { WebhookEvent } from '../../domain/webhook-event.js';

/**
 * The events the caller may see (a user: of payments they pay or are paid and of their accounts; an
 * admin: all), within retention.
 */
export class ListEvents extends Query<Page<WebhookEvent>> {
  constructor(
    readonly user: AuthUser,
    readonly queryString: string,
  ) {
    super();
  }
}
