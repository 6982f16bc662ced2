import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig, TooManyRequests } from '#platform';

/**
 * Login and registration budgets per e-mail and per IP, shared by every api instance through
 * Redis. Every attempt counts, success or not. If Redis is down, a per-process budget stands in.
 */
@Injectable()
export class AttemptLimiter {
  private readonly perEmail: RateLimiterRedis;
  private readonly perIp: RateLimiterRedis;

  constructor(config: AppConfig, @Inject(Redis) redis: Redis) {
    const make = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.queuePrefix}:attempts:${name}`,
        points,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
      });
    this.perEmail = make('email', config.loginLimitPerEmail);
    this.perIp = make('ip', config.loginLimitPerIp);
  }

  async attempt(ip: string, email?: string): Promise<void> {
    await this.consume(this.perIp, ip);
    if (email) await this.consume(this.perEmail, email);
  }

  private async consume(limiter: RateLimiterRedis, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new TooManyRequests(Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
