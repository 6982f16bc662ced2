import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { Currencies } from '#platform';
import { eventOf } from '../domain/payment-events.js';
import { partiesOf, type PaymentRow, toPaymentView, type PaymentView } from '../domain/payment.js';
import type { MovedOn } from '../settlement/payment-postings.js';
import { PaymentMetrics } from './payment-metrics.js';

/** After the posting's commit: a payment as its outcome left it, counted and announced to both parties. */
@Injectable()
export class PaymentAnnouncements {
  constructor(
    private readonly events: EventBus,
    private readonly currencies: Currencies,
    private readonly metrics: PaymentMetrics,
  ) {}

  announce(payment: PaymentRow, outcome: MovedOn): PaymentView {
    const moved: PaymentRow = {
      ...payment,
      status: outcome.status,
      failure_reason: outcome.status === 'FAILED' ? outcome.failureReason : null,
    };
    if (outcome.status === 'AUTHORIZED') {
      moved.authorized_amount = payment.amount;
      moved.expires_at = outcome.expiresAt;
      this.metrics.authorized(payment.type);
    } else {
      moved.processed_at = outcome.processedAt;
      this.metrics.finished(payment.type, outcome.status, payment.created_at, outcome.processedAt);
    }
    const view = toPaymentView(moved, this.currencies);
    this.events.publish(eventOf(view, partiesOf(moved)));
    return view;
  }
}
