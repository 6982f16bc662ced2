import { getQueueToken } from '@nestjs/bull';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Get,
  HttpStatus,
  Inject,
  Injectable,
  Module,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheckService,
  type HealthIndicatorFunction,
  HealthIndicatorService,
  type HealthIndicatorResult,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { Queue } from 'bull';
import type { FastifyReply } from 'fastify';
import { Redis } from 'ioredis';
import { Public } from '../auth/auth.decorators.js';
import { UnprefixedController } from '../http/unprefixed-controller.js';
import { withTimeout } from '../concurrency/with-timeout.js';
import { HealthDetails } from './health-details.js';

const QUEUE_NAMES = Symbol('HEALTH_QUEUE_NAMES');
const PING_TIMEOUT_MS = 2000;

/**
 * Whether the process still wants traffic: no once its shutdown has begun, so that a load balancer
 * stops sending before the listening socket closes. The api's graceful shutdown drains at the signal;
 * Nest's shutdown hooks (the worker's) before closing anything.
 */
@Injectable()
export class Readiness implements BeforeApplicationShutdown {
  private drainingSince?: Date;

  drain(): void {
    this.drainingSince ??= new Date();
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  beforeApplicationShutdown(): void {
    this.drain();
  }
}

@ApiExcludeController()
@Public()
@UnprefixedController('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(Redis) private readonly redis: Redis,
    @Inject(QUEUE_NAMES) private readonly queueNames: string[],
    private readonly moduleRef: ModuleRef,
    private readonly details: HealthDetails,
    private readonly readiness: Readiness,
  ) {}

  /** PostgreSQL, Redis and the queues' connections. */
  @Get()
  check(@Res({ passthrough: true }) res: FastifyReply) {
    return this.answer(res, [
      () => this.database.pingCheck('database', { timeout: PING_TIMEOUT_MS }),
      () => this.ping('redis', () => this.redis.ping()),
      ...this.queueNames.map((name) => () => this.ping(`queue:${name}`, () => this.queue(name).client.ping())),
      ...this.details.entries().map(
        ([key, detail]) =>
          () =>
            this.indicators.check(key).up(detail()),
      ),
    ]);
  }

  /** The process answers: a failing liveness probe means restart it. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Send it traffic: PostgreSQL and Redis answer and its shutdown has not begun. */
  @Get('ready')
  ready(@Res({ passthrough: true }) res: FastifyReply) {
    return this.answer(res, [
      () => this.shutdown(),
      () => this.database.pingCheck('database', { timeout: PING_TIMEOUT_MS }),
      () => this.ping('redis', () => this.redis.ping()),
    ]);
  }

  private async answer(res: FastifyReply, checks: HealthIndicatorFunction[]) {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }

  /** Looked up when asked: the queues are created asynchronously, after this controller. */
  private queue(name: string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  private shutdown(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('shutdown');
    return Promise.resolve(this.readiness.draining ? session.down('draining: shutting down') : session.up());
  }

  private async ping(key: string, ping: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    try {
      await withTimeout(ping(), PING_TIMEOUT_MS, 'timeout');
      return session.up();
    } catch (error) {
      return session.down((error as Error).message);
    }
  }
}

/** GET /health (PostgreSQL, Redis and the named Bull queues' connections), /health/live and /health/ready. */
@Module({})
export class HealthModule {
  static forQueues(...names: string[]): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: QUEUE_NAMES, useValue: names }, Readiness],
      exports: [Readiness],
    };
  }
}
