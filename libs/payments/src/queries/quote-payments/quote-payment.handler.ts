import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { GroupDrafts } from '../../intake/group-drafts.js';
import { type ItemQuote, PaymentQuotes, type QuotedBalance } from '../../intake/payment-quotes.js';
import { QuotePayment } from './quote-payment.query.js';

@QueryHandler(QuotePayment)
export class QuotePaymentHandler implements IQueryHandler<QuotePayment> {
  constructor(
    private readonly drafts: GroupDrafts,
    private readonly quotes: PaymentQuotes,
  ) {}

  async execute({ user, request }: QuotePayment): Promise<ItemQuote & { balances: QuotedBalance[] }> {
    const draft = await this.drafts.item(user, { type: 'TRANSFER', ...request });
    const { items, balances } = await this.quotes.quote(user, [draft], false);
    return { ...items[0], balances };
  }
}
