import { getQueueToken } from '@nestjs/bull';
import { type DynamicModule, Get, HttpStatus, Inject, Module, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorResult, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bull';
import type { FastifyReply } from 'fastify';
import { Redis } from 'ioredis';
import { Public } from '../auth/auth.decorators.js';
import { UnprefixedController } from '../http/unprefixed-controller.js';
import { withTimeout } from '../concurrency/with-timeout.js';
import { HealthDetails } from './health-details.js';

const QUEUE_NAMES = Symbol('HEALTH_QUEUE_NAMES');
const PING_TIMEOUT_MS = 2000;

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
  ) {}

  @Get()
  async check(@Res({ passthrough: true }) res: FastifyReply) {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: PING_TIMEOUT_MS }),
        () => this.ping('redis', () => this.redis.ping()),
        ...this.queueNames.map((name) => () => this.ping(`queue:${name}`, () => this.queue(name).client.ping())),
        ...this.details.entries().map(([key, detail]) => () => this.indicators.check(key).up(detail())),
      ]);
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

/** GET /health: readiness of PostgreSQL, Redis and the named Bull queues' connections. */
@Module({})
export class HealthModule {
  static forQueues(...names: string[]): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: QUEUE_NAMES, useValue: names }],
    };
  }
}
