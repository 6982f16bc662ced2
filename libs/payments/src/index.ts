export { GetPayment } from './queries/get-payment/get-payment.query.js';
export {
  PAYMENT_EVENTS,
  PaymentAuthorized,
  PaymentCompleted,
  type PaymentEvent,
  type PaymentEventType,
  PaymentExpired,
  PaymentFailed,
  PaymentInitiated,
  PaymentVoided,
} from './domain/payment-events.js';
export { PAYMENT_STATUSES, toPaymentView } from './domain/payment.js';
export type { PaymentRow, PaymentStatus, PaymentType, PaymentView } from './domain/payment.js';
export { SweepPayments } from './commands/sweep-payments/sweep-payments.command.js';
export type { SweepResult } from './commands/sweep-payments/sweep-payments.command.js';
export { PaymentDto } from './http/dto/payment.dto.js';
export { PaymentsHttpModule } from './payments-http.module.js';
export { PaymentsModule } from './payments.module.js';
export { PaymentsWorkerModule } from './payments-worker.module.js';
export { PAYMENTS_QUEUE } from './processing/payment-queue.js';
export { PaymentPostings } from './settlement/payment-postings.js';
export type { MovedOn, PaymentOutcome } from './settlement/payment-postings.js';
export { PAYMENT_GROUP_EVENT_TYPES, PaymentGroupSettled, toPaymentGroupView } from './domain/payment-group.js';
export type { PaymentGroupEventType, PaymentGroupRow, PaymentGroupView } from './domain/payment-group.js';
export { PaymentGroupDto } from './http/dto/payment-group.dto.js';
