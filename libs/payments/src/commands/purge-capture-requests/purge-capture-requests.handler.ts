import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, deleteInBatches } from '#platform';
import { PurgeCaptureRequests } from './purge-capture-requests.command.js';

@CommandHandler(PurgeCaptureRequests)
export class PurgeCaptureRequestsHandler implements ICommandHandler<PurgeCaptureRequests> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  execute(): Promise<number> {
    return deleteInBatches(
      this.db,
      `DELETE FROM capture_requests WHERE (user_id, idempotency_key) IN (
         SELECT user_id, idempotency_key FROM capture_requests WHERE created_at < now() - $2 * interval '1 day'
          ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [this.config.webhookRetentionDays],
    );
  }
}
