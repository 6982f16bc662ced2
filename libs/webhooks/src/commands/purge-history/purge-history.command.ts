import { Command } from '@nestjs/cqrs';

/**
 * Deletes the events older than `retentionDays`, with their deliveries, in small batches: those
 * fanned out already and with no delivery still PENDING. Answers how many events went.
 */
export class PurgeWebhookHistory extends Command<number> {
  constructor(readonly retentionDays: number) {
    super();
  }
}
