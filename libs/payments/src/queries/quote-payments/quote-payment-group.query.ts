import { Query } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { GroupRequest } from '../../commands/create-payment-group/create-payment-group.command.js';
import type { Quote } from '../../intake/payment-quotes.js';

export interface GroupQuote extends Quote {
  atomic: boolean;
  itemCount: number;
  /** The first item that would fail, and why; null when every item would complete. */
  firstFailure: { itemIndex: number; code: string } | null;
}

/** A group's dry run: each item's terms and what posting the group now would do. Stores nothing. */
export class QuotePaymentGroup extends Query<GroupQuote> {
  constructor(
    readonly user: AuthUser,
    readonly request: GroupRequest,
  ) {
    super();
  }
}
