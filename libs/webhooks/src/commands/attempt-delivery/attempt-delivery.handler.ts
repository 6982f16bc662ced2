import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig, Currencies } from '#platform';
import { WebhookSender } from '../../delivery/webhook-sender.js';
import { type AttemptOutcome, outcomeOf, type RetryPolicy } from '../../domain/retry-policy.js';
import { signatureHeader } from '../../domain/signature.js';
import { webhookEvent } from '../../domain/webhook-event.js';
import { AttemptDelivery } from './attempt-delivery.command.js';

@CommandHandler(AttemptDelivery)
export class AttemptDeliveryHandler implements ICommandHandler<AttemptDelivery> {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly sender: WebhookSender,
    private readonly currencies: Currencies,
    config: AppConfig,
  ) {
    this.policy = { baseMs: config.webhookRetryBaseMs, maxAttempts: config.webhookMaxAttempts };
  }

  async execute({ delivery }: AttemptDelivery): Promise<AttemptOutcome> {
    const body = JSON.stringify(webhookEvent(delivery, this.currencies));
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.sender.send(delivery.url, body, {
      'billing-event-id': delivery.event_id,
      'billing-signature': signatureHeader(delivery.secrets, timestamp, body),
    });
    return outcomeOf(result, delivery.attempts + 1, this.policy, Date.now());
  }
}
