import { Injectable } from '@nestjs/common';
import { Counter, Histogram, metric } from '#platform';
import type { PaymentStatus, PaymentType } from '../domain/payment.js';

/** Each process counts what it does itself: the api the payments it accepts, the worker those it finishes. */
@Injectable()
export class PaymentMetrics {
  private readonly payments = metric(
    'billing_payments_total',
    () =>
      new Counter({
        name: 'billing_payments_total',
        help: 'Payments by type and status reached in this process',
        labelNames: ['type', 'status'],
      }),
  );
  private readonly completion = metric(
    'billing_payment_completion_seconds',
    () =>
      new Histogram({
        name: 'billing_payment_completion_seconds',
        help: "From a payment's creation to its final status",
        labelNames: ['type', 'status'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      }),
  );

  accepted(type: PaymentType): void {
    this.payments.inc({ type, status: 'INITIATED' });
  }

  authorized(type: PaymentType): void {
    this.payments.inc({ type, status: 'AUTHORIZED' });
  }

  finished(
    type: PaymentType,
    status: Exclude<PaymentStatus, 'INITIATED' | 'AUTHORIZED'>,
    createdAt: Date,
    processedAt: Date,
  ): void {
    this.payments.inc({ type, status });
    this.completion.observe({ type, status }, Math.max(0, processedAt.getTime() - createdAt.getTime()) / 1000);
  }
}
