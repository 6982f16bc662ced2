import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '#platform';
import { DELIVERIES_CHANNEL, RESEND_NOW } from '../../domain/webhook-delivery.js';
import { ownEndpoint } from '../../domain/webhook-endpoint.js';
import { eventsVisibleTo } from '../../domain/webhook-event.js';
import { RedeliverEvents } from './redeliver-events.command.js';

/** At most this many events per request; a client pages with `since` for more. */
export const MAX_REDELIVERED = 10_000;

@CommandHandler(RedeliverEvents)
export class RedeliverEventsHandler implements ICommandHandler<RedeliverEvents> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async execute({ ownerId, endpointId, since, eventIds }: RedeliverEvents): Promise<{ queued: number }> {
    const endpoint = await ownEndpoint(this.db, ownerId, endpointId);
    const [{ admin }] = await this.db.query<Array<{ admin: boolean }>>(
      `SELECT role = 'ADMIN' AS admin FROM users WHERE id = $1`,
      [ownerId],
    );
    const visible = eventsVisibleTo(admin ? null : ownerId, this.config.webhookRetentionDays);
    const n = visible.params.length;
    const [{ queued }] = await this.db.query<Array<{ queued: number }>>(
      `WITH queued AS (
         INSERT INTO webhook_deliveries AS d (endpoint_id, event_id)
         SELECT $${n + 1}, ev.id FROM webhook_events ev
          WHERE ${visible.sql} AND $${n + 2}::text[] && ARRAY['*', ev.type] AND ($${n + 3}::timestamptz IS NULL OR ev.created_at >= $${n + 3})
            AND ($${n + 4}::uuid[] IS NULL OR ev.id = ANY($${n + 4}::uuid[]))
          ORDER BY ev.created_at LIMIT ${MAX_REDELIVERED}
         ON CONFLICT (event_id, endpoint_id) DO UPDATE SET ${RESEND_NOW}
         RETURNING 1
       )
       SELECT count(*)::int AS queued, pg_notify('${DELIVERIES_CHANNEL}', '') FROM queued`,
      [...visible.params, endpoint.id, endpoint.events, since ?? null, eventIds ?? null],
    );
    return { queued };
  }
}
