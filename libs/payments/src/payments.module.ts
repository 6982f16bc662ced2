import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from '#accounts';
import { FxModule } from '#fx';
import { LedgerModule } from '#ledger';
import { QueueModule } from '#platform';
import { CapturePaymentHandler } from './commands/capture-payment/capture-payment.handler.js';
import { CreateDepositHandler } from './commands/create-deposit/create-deposit.handler.js';
import { CreateTransferHandler } from './commands/create-transfer/create-transfer.handler.js';
import { CreateWithdrawalHandler } from './commands/create-withdrawal/create-withdrawal.handler.js';
import { ExpireHoldsHandler } from './commands/expire-holds/expire-holds.handler.js';
import { PostPaymentsHandler } from './commands/post-payments/post-payments.handler.js';
import { RefundPaymentHandler } from './commands/refund-payment/refund-payment.handler.js';
import { UpdatePaymentHandler } from './commands/update-payment/update-payment.handler.js';
import { PurgeCaptureRequestsHandler } from './commands/purge-capture-requests/purge-capture-requests.handler.js';
import { SweepPaymentsHandler } from './commands/sweep-payments/sweep-payments.handler.js';
import { VoidPaymentHandler } from './commands/void-payment/void-payment.handler.js';
import { CreatePaymentGroupHandler } from './commands/create-payment-group/create-payment-group.handler.js';
import { GroupDrafts } from './intake/group-drafts.js';
import { PayerAccounts } from './intake/payer-accounts.js';
import { PaymentDrafts } from './intake/payment-drafts.js';
import { PaymentQuotes } from './intake/payment-quotes.js';
import { GetPaymentGroupHandler } from './queries/get-payment-group/get-payment-group.handler.js';
import { ListPaymentGroupsHandler } from './queries/list-payment-groups/list-payment-groups.handler.js';
import { QuotePaymentGroupHandler } from './queries/quote-payments/quote-payment-group.handler.js';
import { QuotePaymentHandler } from './queries/quote-payments/quote-payment.handler.js';
import { PaymentIntake } from './intake/payment-intake.js';
import { PaymentAnnouncements } from './processing/payment-announcements.js';
import { PaymentMetrics } from './processing/payment-metrics.js';
import { PAYMENTS_QUEUE, PaymentQueue } from './processing/payment-queue.js';
import { PostingBacklog } from './processing/posting-backlog.js';
import { GetPaymentHandler } from './queries/get-payment/get-payment.handler.js';
import { ExportPaymentsHandler } from './queries/export-payments/export-payments.handler.js';
import { ListPaymentsHandler } from './queries/list-payments/list-payments.handler.js';
import { AuthorizedPayments } from './settlement/authorized-payments.js';
import { PaymentPostings } from './settlement/payment-postings.js';

/** Payments' core, imported by both apps: creating, posting, holding and settling, sweeping and reading payments. */
@Module({
  imports: [
    CqrsModule,
    AccountsModule,
    LedgerModule,
    FxModule,
    QueueModule,
    BullModule.registerQueue({ name: PAYMENTS_QUEUE }),
  ],
  providers: [
    PaymentIntake,
    PayerAccounts,
    PaymentDrafts,
    GroupDrafts,
    PaymentQuotes,
    CreatePaymentGroupHandler,
    GetPaymentGroupHandler,
    ListPaymentGroupsHandler,
    QuotePaymentHandler,
    QuotePaymentGroupHandler,
    PaymentQueue,
    PostingBacklog,
    PaymentMetrics,
    PaymentAnnouncements,
    AuthorizedPayments,
    PaymentPostings,
    CreateTransferHandler,
    CreateWithdrawalHandler,
    CreateDepositHandler,
    RefundPaymentHandler,
    PostPaymentsHandler,
    SweepPaymentsHandler,
    PurgeCaptureRequestsHandler,
    ExpireHoldsHandler,
    CapturePaymentHandler,
    VoidPaymentHandler,
    UpdatePaymentHandler,
    GetPaymentHandler,
    ListPaymentsHandler,
    ExportPaymentsHandler,
  ],
  exports: [PaymentQueue, PostingBacklog, PaymentPostings],
})
export class PaymentsModule {}
