import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, BatchStatement, Currencies } from '#platform';
import { WebhookMetrics } from '../../delivery/webhook-metrics.js';
import { WebhookSender } from '../../delivery/webhook-sender.js';
import { type AttemptOutcome, outcomeOf, type RetryPolicy } from '../../domain/retry-policy.js';
import { signingHeaders } from '../../domain/signature.js';
import { type PaymentSnapshot, webhookEvent } from '../../domain/webhook-event.js';
import { DeliverWebhooks } from './deliver-webhooks.command.js';

/**
 * The deliveries still held by these leases, with enough of the lease left to make the attempt
 * within it: a job that started too late leaves its deliveries to the next lease.
 */
const TAKE = new BatchStatement(
  `SELECT d.id, d.event_id, d.type, d.payment, d.created_at, d.attempts, l.leased_until, e.url,
          array_remove(ARRAY[e.secret, CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END], NULL) AS secrets
     FROM unnest($1::uuid[], $2::timestamptz[]) AS l(id, leased_until)
     JOIN webhook_deliveries d ON d.id = l.id AND d.next_attempt_at = l.leased_until AND d.status = 'PENDING'
     JOIN webhook_endpoints e ON e.id = d.endpoint_id
    WHERE l.leased_until > now() + $3 * interval '1 millisecond'`,
);

/** Each outcome lands only if its lease still holds. */
const RECORD = new BatchStatement(
  `UPDATE webhook_deliveries d
      SET status = r.status, attempts = d.attempts + 1, last_status_code = r.status_code, last_error = r.error,
          next_attempt_at = CASE WHEN r.status = 'PENDING' THEN now() + r.retry_in_ms * interval '1 millisecond' END,
          delivered_at = CASE WHEN r.status = 'SUCCEEDED' THEN now() ELSE d.delivered_at END
     FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int4[], $5::text[], $6::int8[]) AS r(id, leased_until, status, status_code, error, retry_in_ms)
    WHERE d.id = r.id AND d.next_attempt_at = r.leased_until`,
);

interface TakenDelivery {
  id: string;
  event_id: string;
  type: string;
  payment: PaymentSnapshot;
  created_at: Date;
  attempts: number;
  leased_until: Date;
  url: string;
  secrets: string[];
}

@CommandHandler(DeliverWebhooks)
export class DeliverWebhooksHandler implements ICommandHandler<DeliverWebhooks> {
  private readonly policy: RetryPolicy;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sender: WebhookSender,
    private readonly currencies: Currencies,
    private readonly config: AppConfig,
    private readonly metrics: WebhookMetrics,
  ) {
    this.policy = { baseMs: config.webhookRetryBaseMs, maxAttempts: config.webhookMaxAttempts };
  }

  async execute({ leases }: DeliverWebhooks): Promise<void> {
    const taken = await TAKE.run<TakenDelivery[]>(this.db, [leases.map((l) => l.id), leases.map((l) => l.leasedUntil), this.config.webhookTimeoutMs]);
    if (!taken.length) return;
    const outcomes = await Promise.all(taken.map((delivery) => this.attempt(delivery)));
    await RECORD.run(this.db, [
      taken.map((d) => d.id),
      taken.map((d) => d.leased_until),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.statusCode),
      outcomes.map((o) => o.error),
      outcomes.map((o) => o.retryInMs),
    ]);
  }

  private async attempt(delivery: TakenDelivery): Promise<AttemptOutcome> {
    const body = JSON.stringify(webhookEvent(delivery, this.currencies));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signingHeaders(delivery.event_id, delivery.secrets, timestamp, body);
    const result = await this.sender.send(delivery.url, body, headers);
    const now = Date.now();
    const outcome = outcomeOf(result, delivery.attempts + 1, this.policy, now);
    this.metrics.attempted(outcome.status, delivery.created_at, now);
    return outcome;
  }
}
