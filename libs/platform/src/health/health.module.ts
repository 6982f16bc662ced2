import { Controller, Get, HttpStatus, Inject, Module, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorResult, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { Public } from '../auth/auth.decorators.js';

/** A library whose readiness matters (the payments queue) provides this. */
export abstract class ReadinessCheck {
  abstract check(): Promise<HealthIndicatorResult>;
}

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(Redis) private readonly redis: Redis,
    @Optional() private readonly extra?: ReadinessCheck,
  ) {}

  @Get()
  async check(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 2000 }),
        () => this.pingRedis(),
        ...(this.extra ? [() => this.extra!.check()] : []),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }

  private async pingRedis(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('redis');
    try {
      await Promise.race([this.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
      return session.up();
    } catch (error) {
      return session.down((error as Error).message);
    }
  }
}

/** GET /health: readiness of PostgreSQL and Redis (and whatever ReadinessCheck a library adds). */
@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController] })
export class HealthModule {}
