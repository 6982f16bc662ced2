import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, BatchStatement } from '#platform';
import { AttemptDelivery, type LeasedDelivery } from '../commands/attempt-delivery/attempt-delivery.command.js';
import type { AttemptOutcome } from '../domain/retry-policy.js';
import { DELIVERIES_CHANNEL } from '../domain/webhook-delivery.js';
import { EVENT_COLUMNS } from '../domain/webhook-event.js';
import { DeliveryLanes, type Leased } from './delivery-lanes.js';
import { OutcomeRecorder } from './outcome-recorder.js';

const FAN_OUT_BATCH = 500;
/** Rounds follow each other at least this far apart, so a busy worker leases and fans out in batches. */
const ROUND_GAP_MS = 50;
/** On top of the timeouts: the time a lease may take to be read, attempted and recorded. */
const LEASE_MARGIN_MS = 10_000;

/**
 * Fans a batch of pending events out into deliveries, one per endpoint concerned (those of the users
 * who see the event, every administrator's; enabled, subscribed, and registered before the event), and marks
 * them fanned out, in one transaction: a crash leaves them pending, and the events another worker
 * is fanning out are skipped, not waited for. ON CONFLICT keeps a delivery made meanwhile by a
 * redelivery. Its joins of endpoints and users are planned on every run, for the tables as they are.
 */
const FAN_OUT = new BatchStatement(
  `WITH batch AS (
     UPDATE webhook_events ev SET fanned_out_at = now()
      WHERE ev.id IN (SELECT id FROM webhook_events WHERE fanned_out_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING ev.id, ev.type, ev.user_ids, ev.created_at
   ), targets AS (
     SELECT b.id AS event_id, b.type, b.created_at, e.id AS endpoint_id, e.events, e.created_at AS registered_at
       FROM batch b JOIN webhook_endpoints e ON e.owner_id = ANY (b.user_ids) AND e.enabled
     UNION
     SELECT b.id, b.type, b.created_at, e.id, e.events, e.created_at
       FROM batch b, users u JOIN webhook_endpoints e ON e.owner_id = u.id AND e.enabled WHERE u.role = 'ADMIN'
   ), inserted AS (
     INSERT INTO webhook_deliveries (endpoint_id, event_id)
     SELECT endpoint_id, event_id FROM targets WHERE events && ARRAY['*', type] AND registered_at <= created_at
     ON CONFLICT DO NOTHING
   )
   SELECT count(*)::int AS events FROM batch`,
);

/**
 * Leases due deliveries, at most the room each endpoint's lane has (`$1`/`$2`, `$3` for the
 * others) and `$4` in all, oldest first within an endpoint: the endpoints with something pending
 * are found by a skip scan of the due index, so a long backlog of one endpoint is never read
 * through to reach another's. It carries arrays of ids: a BatchStatement.
 */
const LEASE = new BatchStatement(
  `WITH RECURSIVE pending AS (
     (SELECT endpoint_id FROM webhook_deliveries WHERE status = 'PENDING' ORDER BY endpoint_id LIMIT 1)
     UNION ALL
     SELECT (SELECT d.endpoint_id FROM webhook_deliveries d WHERE d.status = 'PENDING' AND d.endpoint_id > p.endpoint_id ORDER BY d.endpoint_id LIMIT 1)
       FROM pending p WHERE p.endpoint_id IS NOT NULL
   ), room AS (
     SELECT p.endpoint_id, coalesce(r.room, $3) AS room
       FROM pending p LEFT JOIN unnest($1::uuid[], $2::int4[]) AS r(endpoint_id, room) ON r.endpoint_id = p.endpoint_id
      WHERE p.endpoint_id IS NOT NULL
   ), due AS (
     SELECT d.id, d.event_id, d.endpoint_id FROM room CROSS JOIN LATERAL (
       SELECT d.id, d.event_id, d.endpoint_id, d.next_attempt_at FROM webhook_deliveries d
        WHERE d.endpoint_id = room.endpoint_id AND d.status = 'PENDING' AND d.next_attempt_at <= now()
          AND (d.leased_until IS NULL OR d.leased_until <= now())
        ORDER BY d.next_attempt_at LIMIT room.room FOR UPDATE SKIP LOCKED
     ) d
     ORDER BY d.next_attempt_at LIMIT $4
   )
   UPDATE webhook_deliveries d SET leased_until = now() + $5 * interval '1 millisecond'
     FROM due JOIN webhook_events ev ON ev.id = due.event_id JOIN webhook_endpoints e ON e.id = due.endpoint_id
    WHERE d.id = due.id
   RETURNING d.id, d.endpoint_id, d.leased_until, d.attempts, ${EVENT_COLUMNS}, e.url,
             array_remove(ARRAY[e.secret, CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END], NULL) AS secrets`,
);

/**
 * The worker's delivery loop. A round fans new events out and leases what the lanes have room
 * for; it runs when PostgreSQL notifies that events were recorded or deliveries retried (at their
 * commit), every poll interval (a notification missed, a retry come due), and when an attempt ends
 * while more may be due and its lane is running out of leased deliveries. Each attempt runs on its own and its outcome is recorded when it ends, so
 * one endpoint's slow answers hold only its own lane (DeliveryLanes).
 */
@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeliveryScheduler');
  private readonly lanes: DeliveryLanes;
  private readonly leaseMs: number;
  private readonly slowAfterMs: number;
  private readonly attempts = new Set<Promise<void>>();
  private readonly leased = new Map<string, LeasedDelivery>();
  private listener?: pg.Client;
  private poll?: NodeJS.Timeout;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private mayHaveMore = false;
  private lastRound = 0;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commands: CommandBus,
    private readonly recorder: OutcomeRecorder,
    private readonly config: AppConfig,
  ) {
    this.lanes = new DeliveryLanes({
      total: config.webhookConcurrency,
      perEndpoint: config.webhookEndpointConcurrency,
    });
    // Room for an attempt and a wait behind one; a delivery kept waiting longer is left to lapse (start).
    this.leaseMs = 2 * config.webhookTimeoutMs + LEASE_MARGIN_MS;
    this.slowAfterMs = Math.min(1000, config.webhookTimeoutMs / 2);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.poll = setInterval(() => this.wake(), this.config.webhookPollIntervalMs);
    await this.listen();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.timer);
    await this.listener?.end().catch(() => undefined);
    // Attempts in flight finish and are recorded; waiting ones are left to their leases' end.
    await Promise.all(this.attempts);
    await this.recorder.flushed();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.round();
      },
      Math.max(0, this.lastRound + ROUND_GAP_MS - Date.now()),
    );
  }

  private async round(): Promise<void> {
    this.running = true;
    this.again = false;
    this.lastRound = Date.now();
    try {
      await this.fanOut();
      await this.lease();
    } catch (error) {
      this.logger.warn(`deliveries not dispatched, the next poll retries: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
    this.start();
    if (this.again) this.wake();
  }

  private async fanOut(): Promise<void> {
    for (;;) {
      const [{ events }] = await FAN_OUT.run<Array<{ events: number }>>(this.db, [FAN_OUT_BATCH]);
      if (events < FAN_OUT_BATCH) return;
    }
  }

  private async lease(): Promise<void> {
    const { endpointIds, rooms, defaultRoom, total } = this.lanes.rooms();
    if (!total) return;
    const [leased] = await LEASE.run<[LeasedDelivery[], number]>(this.db, [
      endpointIds,
      rooms,
      defaultRoom,
      total,
      this.leaseMs,
    ]);
    this.mayHaveMore = leased.length > 0;
    for (const delivery of leased) this.leased.set(delivery.id, delivery);
    this.lanes.add(leased.map((d) => ({ id: d.id, endpointId: d.endpoint_id, leasedUntil: d.leased_until })));
  }

  /** Starts what the lanes allow; a delivery whose lease could run out during its attempt is left to lapse. */
  private start(): void {
    const tooLate = Date.now() + this.config.webhookTimeoutMs + LEASE_MARGIN_MS / 2;
    for (const dropped of this.lanes.dropWaiting((d) => d.leasedUntil.getTime() < tooLate))
      this.leased.delete(dropped.id);
    for (const lane of this.lanes.startable()) {
      const attempt = this.attempt(lane)
        .catch((error: Error) =>
          this.logger.error(`delivery ${lane.id} not attempted, its lease will lapse: ${error.message}`),
        )
        .finally(() => this.attempts.delete(attempt));
      this.attempts.add(attempt);
    }
  }

  private async attempt(lane: Leased): Promise<void> {
    const delivery = this.leased.get(lane.id)!;
    this.leased.delete(lane.id);
    const started = Date.now();
    const slow = setTimeout(() => this.lanes.slow(lane.endpointId), this.slowAfterMs);
    let outcome: AttemptOutcome | undefined;
    try {
      outcome = await this.commands.execute(new AttemptDelivery(delivery));
    } finally {
      clearTimeout(slow);
      this.lanes.finished(lane, outcome?.status === 'SUCCEEDED' && Date.now() - started < this.slowAfterMs);
      this.start();
    }
    await this.recorder.record(delivery.id, delivery.leased_until, outcome);
    if (this.mayHaveMore && this.lanes.runningLow(lane.endpointId)) this.wake();
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
