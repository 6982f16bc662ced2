import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { deleteInBatches } from '#platform';
import { PurgeWebhookHistory } from './purge-history.command.js';

@CommandHandler(PurgeWebhookHistory)
export class PurgeWebhookHistoryHandler implements ICommandHandler<PurgeWebhookHistory> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  execute({ retentionDays }: PurgeWebhookHistory): Promise<number> {
    // Their deliveries go with them (ON DELETE CASCADE).
    const purgeable = `SELECT ev.id FROM webhook_events ev
                        WHERE ev.created_at < now() - $2 * interval '1 day' AND ev.fanned_out_at IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.status = 'PENDING')
                        ORDER BY ev.created_at LIMIT $1 FOR UPDATE OF ev SKIP LOCKED`;
    return deleteInBatches(this.db, `DELETE FROM webhook_events WHERE id IN (${purgeable})`, [retentionDays]);
  }
}
