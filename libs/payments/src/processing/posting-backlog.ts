import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, Gauge, HealthDetails, metric } from '#platform';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { type BacklogReading, overloadOf } from '../domain/backpressure.js';
import { PaymentQueue } from './payment-queue.js';

/** How often the backlog is measured, by one process of the deployment at a time. */
const PROBE_INTERVAL_MS = 250;
/** A reading not renewed for this long is not trusted: nothing then is refused for it. */
const TRUSTED_FOR_MS = 2000;
/** Rows of `payments_by_created` one probe walks at most. */
const WALK_ROWS = 2000;
/** The walk's start outlives any pause of the probes, but not a deployment gone for good. */
const CURSOR_TTL_MS = 86_400_000;
/**
 * Where the next walk starts when this one found every payment final: a payment whose INSERT began
 * earlier and commits only later is not seen. Such a late one is rare and is posted all the same;
 * the backlog is a gauge, not the sweeper.
 */
const SETTLED_AFTER = `interval '1 second'`;

/**
 * One statement, cheap however large the table and however stale its statistics: it walks at
 * most WALK_ROWS entries of `payments_by_created` (the ORDER BY and LIMIT on the index's own
 * columns keep any plan an index scan) from a cursor that never moves back, and the status is
 * read from the heap since no index names it (finishing a payment is a HOT update). The cursor
 * rests on the oldest INITIATED payment, so a walk is about the payments since the last one. With
 * no cursor yet it starts at the sweeper's watermark, before which every payment is final.
 */
const PROBE = `
  WITH walk AS MATERIALIZED (
    SELECT created_at, id, status FROM payments
     WHERE (created_at, id) >= (coalesce($1::timestamptz, (SELECT finished_before FROM payment_sweep)), $2::uuid)
     ORDER BY created_at, id LIMIT ${WALK_ROWS}),
  oldest AS (SELECT created_at, id FROM walk WHERE status = 'INITIATED' ORDER BY created_at, id LIMIT 1),
  last AS (SELECT created_at, id FROM walk ORDER BY created_at DESC, id DESC LIMIT 1)
  SELECT (SELECT count(*) FROM walk)::int AS walked,
         o.created_at::text AS "oldestAt", o.id AS "oldestId",
         (extract(epoch FROM clock_timestamp() - o.created_at) * 1000)::float8 AS "oldestMs",
         l.created_at::text AS "lastAt", l.id AS "lastId",
         greatest(least(l.created_at, now() - ${SETTLED_AFTER}), $1::timestamptz)::text AS "settledAt"
    FROM (SELECT) one LEFT JOIN oldest o ON true LEFT JOIN last l ON true`;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

interface Walk {
  walked: number;
  oldestAt: string | null;
  oldestId: string | null;
  oldestMs: number | null;
  lastAt: string | null;
  lastId: string | null;
  settledAt: string | null;
}

/**
 * How far behind posting is: the age of the oldest INITIATED payment and the jobs waiting in the
 * queue, measured every PROBE_INTERVAL_MS by whichever process (api or worker) takes the probe's
 * lease in Redis, and shared there with all of them. A request never waits for PostgreSQL to
 * learn it: the intake asks `assertAccepting`, which reads what is in memory.
 */
@Injectable()
export class PostingBacklog implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('PostingBacklog');
  private readonly keys: { lease: string; reading: string; cursor: string };
  private latest?: BacklogReading;
  private readAt = 0;
  private timer?: NodeJS.Timeout;
  private probing?: Promise<void>;
  private failing = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Redis) private readonly redis: Redis,
    private readonly payments: PaymentQueue,
    private readonly config: AppConfig,
    health: HealthDetails,
  ) {
    const base = `${config.queuePrefix}:posting-backlog`;
    this.keys = { lease: `${base}:lease`, reading: `${base}:reading`, cursor: `${base}:cursor` };
    const current = () => this.current();
    metric(
      'billing_posting_backlog_seconds',
      () =>
        new Gauge({
          name: 'billing_posting_backlog_seconds',
          help: 'Age of the oldest payment still INITIATED, as last measured (0 when there is none)',
          collect(this: Gauge) {
            const reading = current();
            if (reading) this.set(reading.oldestInitiatedMs / 1000);
          },
        }),
    );
    health.add('postingBacklog', () => {
      const reading = this.current();
      return {
        backlogSeconds: reading ? reading.oldestInitiatedMs / 1000 : null,
        queueDepth: reading?.queueDepth ?? null,
        accepting: !(reading && this.refusal(reading)),
      };
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.probing ??= this.probe().finally(() => (this.probing = undefined));
    }, PROBE_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.probing;
  }

  /** Throws SERVICE_OVERLOADED while posting is behind by more than BACKPRESSURE_MAX_BACKLOG_MS or _QUEUE_DEPTH. */
  assertAccepting(): void {
    const reading = this.current();
    const refusal = reading && this.refusal(reading);
    if (refusal) throw refusal;
  }

  /** The last reading, unless it is too old to be trusted (Redis or PostgreSQL did not answer). */
  current(): BacklogReading | undefined {
    return Date.now() - this.readAt <= TRUSTED_FOR_MS ? this.latest : undefined;
  }

  private refusal(reading: BacklogReading) {
    const { backpressureMaxBacklogMs: maxBacklogMs, backpressureMaxQueueDepth: maxQueueDepth } = this.config;
    return overloadOf(reading, { maxBacklogMs, maxQueueDepth });
  }

  private async probe(): Promise<void> {
    try {
      const leased = await this.redis.set(this.keys.lease, '1', 'PX', PROBE_INTERVAL_MS, 'NX');
      const reading = leased ? await this.measure() : await this.shared();
      if (reading) {
        this.latest = reading;
        this.readAt = Date.now();
      }
      if (this.failing) this.logger.log('measuring the posting backlog again');
      this.failing = false;
    } catch (error) {
      const reason = (error as Error).message;
      if (!this.failing) this.logger.warn(`cannot measure the posting backlog, refusing nothing for it: ${reason}`);
      this.failing = true;
    }
  }

  private async shared(): Promise<BacklogReading | undefined> {
    const text = await this.redis.get(this.keys.reading);
    return text ? (JSON.parse(text) as BacklogReading) : undefined;
  }

  private async measure(): Promise<BacklogReading> {
    const [cursorAt, cursorId] = (await this.redis.get(this.keys.cursor))?.split('|') ?? [null, NIL_UUID];
    const [walk] = await this.db.query<Walk[]>(PROBE, [cursorAt, cursorId]);
    const queueDepth = await this.payments.queue.getJobCountByTypes(['waiting', 'paused']);
    let reading: BacklogReading;
    let next: string | undefined;
    if (walk.oldestAt !== null) {
      reading = { oldestInitiatedMs: Math.max(0, walk.oldestMs ?? 0), queueDepth };
      next = `${walk.oldestAt}|${walk.oldestId}`;
    } else if (walk.walked === WALK_ROWS) {
      // Still catching up with the table: nothing learnt of the age yet beyond these rows.
      reading = { oldestInitiatedMs: this.latest?.oldestInitiatedMs ?? 0, queueDepth };
      next = `${walk.lastAt}|${walk.lastId}`;
    } else {
      reading = { oldestInitiatedMs: 0, queueDepth };
      if (walk.settledAt !== null) next = `${walk.settledAt}|${NIL_UUID}`;
    }
    const writing = this.redis.multi().set(this.keys.reading, JSON.stringify(reading), 'PX', TRUSTED_FOR_MS);
    if (next) writing.set(this.keys.cursor, next, 'PX', CURSOR_TTL_MS);
    await writing.exec();
    return reading;
  }
}
