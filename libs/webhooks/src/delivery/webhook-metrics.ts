import { Injectable } from '@nestjs/common';
import { Counter, Histogram, metric } from '#platform';
import type { DeliveryStatus } from '../domain/retry-policy.js';

/** Each attempt's outcome (PENDING: it will be retried), and how long after its event was recorded it was made. */
@Injectable()
export class WebhookMetrics {
  private readonly attempts = metric(
    'billing_webhook_deliveries_total',
    () =>
      new Counter({
        name: 'billing_webhook_deliveries_total',
        help: 'Webhook delivery attempts by outcome: SUCCEEDED, PENDING (to retry) or FAILED',
        labelNames: ['status'],
      }),
  );
  private readonly lag = metric(
    'billing_webhook_delivery_lag_seconds',
    () =>
      new Histogram({
        name: 'billing_webhook_delivery_lag_seconds',
        help: "From an event's recording to an attempt to deliver it, by outcome",
        labelNames: ['status'],
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21_600],
      }),
  );

  attempted(status: DeliveryStatus, recordedAt: Date, now: number): void {
    this.attempts.inc({ status });
    this.lag.observe({ status }, Math.max(0, now - recordedAt.getTime()) / 1000);
  }
}
