import { Query } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { ItemConditions } from '../../commands/create-payment-group/create-payment-group.command.js';
import type { TransferRequest } from '../../intake/payment-drafts.js';
import type { ItemQuote, QuotedBalance } from '../../intake/payment-quotes.js';

/** A transfer's dry run: its terms and what posting it now would do. Stores nothing. */
export class QuotePayment extends Query<ItemQuote & { balances: QuotedBalance[] }> {
  constructor(
    readonly user: AuthUser,
    readonly request: TransferRequest & { conditions?: ItemConditions },
  ) {
    super();
  }
}
