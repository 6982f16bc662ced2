import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { GroupDrafts } from '../../intake/group-drafts.js';
import { PaymentQuotes } from '../../intake/payment-quotes.js';
import { type GroupQuote, QuotePaymentGroup } from './quote-payment-group.query.js';

@QueryHandler(QuotePaymentGroup)
export class QuotePaymentGroupHandler implements IQueryHandler<QuotePaymentGroup> {
  constructor(
    private readonly drafts: GroupDrafts,
    private readonly quotes: PaymentQuotes,
  ) {}

  async execute({ user, request }: QuotePaymentGroup): Promise<GroupQuote> {
    const group = await this.drafts.group(user, request);
    const quote = await this.quotes.quote(user, group.items, group.atomic);
    // In an atomic group the others fail because of it: GROUP_FAILED.
    const itemIndex = quote.items.findIndex((i) => i.outcome === 'FAILED' && i.failureReason !== 'GROUP_FAILED');
    return {
      atomic: group.atomic,
      itemCount: group.items.length,
      ...quote,
      firstFailure: itemIndex < 0 ? null : { itemIndex, code: quote.items[itemIndex].failureReason! },
    };
  }
}
