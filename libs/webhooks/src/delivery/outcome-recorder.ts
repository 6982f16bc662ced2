import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BatchStatement } from '#platform';
import type { AttemptOutcome } from '../domain/retry-policy.js';

/**
 * Each outcome lands only if its lease still holds. A retry asked while the attempt was in flight
 * (`resend`) makes the delivery due again at once, whatever the attempt came to. It carries arrays
 * of ids: a BatchStatement.
 */
const RECORD = new BatchStatement(
  `UPDATE webhook_deliveries d
      SET status = CASE WHEN d.resend THEN 'PENDING' ELSE r.status END, attempts = d.attempts + 1,
          last_status_code = r.status_code, last_error = r.error,
          next_attempt_at = CASE WHEN d.resend THEN now() WHEN r.status = 'PENDING' THEN now() + r.retry_in_ms * interval '1 millisecond' END,
          delivered_at = CASE WHEN r.status = 'SUCCEEDED' THEN now() ELSE d.delivered_at END,
          leased_until = NULL, resend = false
     FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int4[], $5::text[], $6::int8[]) AS r(id, leased_until, status, status_code, error, retry_in_ms)
    WHERE d.id = r.id AND d.leased_until = r.leased_until`,
);

interface Ended {
  id: string;
  leasedUntil: Date;
  outcome: AttemptOutcome;
}

/** Outcomes that end within this of each other are written together. */
const GATHER_MS = 20;

/**
 * Records each attempt's outcome as soon as it ends, give or take GATHER_MS: the outcomes that end
 * meanwhile, or while a write is in progress, go together in the next write, so a busy worker
 * writes in batches.
 */
@Injectable()
export class OutcomeRecorder {
  private readonly logger = new Logger('OutcomeRecorder');
  private pending: Ended[] = [];
  private writing?: Promise<void>;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  record(id: string, leasedUntil: Date, outcome: AttemptOutcome): Promise<void> {
    this.pending.push({ id, leasedUntil, outcome });
    this.writing ??= new Promise((gathered) => setTimeout(gathered, GATHER_MS))
      .then(() => this.writeAll())
      .finally(() => (this.writing = undefined));
    return this.writing;
  }

  /** Waits until everything handed in so far is written. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        await RECORD.run(this.db, [
          batch.map((e) => e.id),
          batch.map((e) => e.leasedUntil),
          batch.map((e) => e.outcome.status),
          batch.map((e) => e.outcome.statusCode),
          batch.map((e) => e.outcome.error),
          batch.map((e) => e.outcome.retryInMs),
        ]);
      } catch (error) {
        // Unrecorded, the deliveries are attempted again once their leases run out.
        this.logger.warn(`${batch.length} delivery outcomes not recorded: ${(error as Error).message}`);
      }
    }
  }
}
