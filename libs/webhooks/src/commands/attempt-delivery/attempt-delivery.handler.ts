import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig, Currencies } from '#platform';
import { WebhookMetrics } from '../../delivery/webhook-metrics.js';
import { WebhookSender } from '../../delivery/webhook-sender.js';
import { type AttemptOutcome, outcomeOf, type RetryPolicy } from '../../domain/retry-policy.js';
import { signingHeaders } from '../../domain/signature.js';
import { webhookEvent } from '../../domain/webhook-event.js';
import { AttemptDelivery } from './attempt-delivery.command.js';

@CommandHandler(AttemptDelivery)
export class AttemptDeliveryHandler implements ICommandHandler<AttemptDelivery> {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly sender: WebhookSender,
    private readonly currencies: Currencies,
    private readonly metrics: WebhookMetrics,
    config: AppConfig,
  ) {
    this.policy = { baseMs: config.webhookRetryBaseMs, maxAttempts: config.webhookMaxAttempts };
  }

  async execute({ delivery }: AttemptDelivery): Promise<AttemptOutcome> {
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
