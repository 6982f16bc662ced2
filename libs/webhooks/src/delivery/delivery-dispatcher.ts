import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, BatchStatement } from '#platform';
import { DELIVERIES_CHANNEL } from '../domain/webhook-delivery.js';
import { type DeliverWebhooksJob, type DeliveryLease, WEBHOOKS_QUEUE, WebhookJobs } from './webhook-queue.js';

/** Jobs waiting or running across the queue; no more are made until some finish. */
export const MAX_QUEUED_JOBS = 16;
const DELIVERIES_PER_JOB = 20;
/** On top of the timeout: the time a job may take to be picked up, read its deliveries and record them. */
const LEASE_MARGIN_MS = 10_000;

/** Takes due deliveries (oldest first; another worker's are skipped, not waited for) and pushes them out of reach for the lease. */
const LEASE = new BatchStatement(
  `UPDATE webhook_deliveries d SET next_attempt_at = now() + $2 * interval '1 millisecond'
     FROM (SELECT id FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= now()
            ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
    WHERE d.id = due.id
   RETURNING d.id, d.next_attempt_at`,
);

/**
 * Turns due deliveries into jobs: when PostgreSQL notifies that some were recorded (at the commit
 * of their payment's change), every poll interval (a notification missed while disconnected, a
 * retry coming due), and when a job ends (the queue has room again). The queue holds at most
 * MAX_QUEUED_JOBS, so a lease never runs out while its job waits: a worker that dies mid-delivery
 * delays that delivery by one lease, and the next lease (a new job id) delivers it.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeliveryDispatcher');
  private readonly leaseMs: number;
  private listener?: pg.Client;
  private poll?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhooksJob>,
    private readonly config: AppConfig,
  ) {
    this.leaseMs = config.webhookTimeoutMs + LEASE_MARGIN_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queue.on('completed', () => this.wake());
    this.queue.on('failed', () => this.wake());
    this.poll = setInterval(() => this.wake(), this.config.webhookPollIntervalMs);
    await this.listen();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    await this.listener?.end().catch(() => undefined);
  }

  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.dispatch();
  }

  private async dispatch(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        const { waiting, active } = await this.queue.getJobCounts();
        const room = MAX_QUEUED_JOBS - waiting - active;
        if (room <= 0 || this.stopped) break;
        const [leased] = await LEASE.run<[Array<{ id: string; next_attempt_at: Date }>, number]>(this.db, [room * DELIVERIES_PER_JOB, this.leaseMs]);
        if (!leased.length) break;
        const leases: DeliveryLease[] = leased.map((row) => ({ id: row.id, leasedUntil: row.next_attempt_at.toISOString() }));
        await this.queue.addBulk(chunks(leases, DELIVERIES_PER_JOB).map((chunk) => ({ name: WebhookJobs.deliver, data: { leases: chunk }, opts: jobOptions(chunk) })));
        if (leased.length === room * DELIVERIES_PER_JOB) this.again = true;
      } while (this.again);
    } catch (error) {
      this.logger.warn(`deliveries not dispatched, the next poll retries: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    const reconnect = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), this.config.webhookPollIntervalMs).unref();
    };
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.logger.warn(`lost the ${DELIVERIES_CHANNEL} listener, polling until it is back: ${error.message}`);
      reconnect();
    });
    client.on('end', reconnect);
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${DELIVERIES_CHANNEL}`);
    } catch (error) {
      this.logger.warn(`cannot listen on ${DELIVERIES_CHANNEL}, polling meanwhile: ${(error as Error).message}`);
      reconnect();
    }
  }
}

/** The lease is part of the id: a job for the same delivery under a later lease is a new job. */
function jobOptions(leases: DeliveryLease[]) {
  return { jobId: `${leases[0].id}:${Date.parse(leases[0].leasedUntil)}`, attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 };
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
