import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig, RedisBudget, TooManyRequests } from '#platform';

/**
 * Login and registration budgets per e-mail and per IP, shared by every api instance through
 * Redis. Every attempt counts, success or not. If Redis is down, a per-process budget stands in.
 */
@Injectable()
export class AttemptLimiter {
  private readonly perEmail: RedisBudget;
  private readonly perIp: RedisBudget;

  constructor(config: AppConfig, @Inject(Redis) redis: Redis) {
    this.perEmail = new RedisBudget(redis, `${config.queuePrefix}:attempts:email`, config.loginLimitPerEmail);
    this.perIp = new RedisBudget(redis, `${config.queuePrefix}:attempts:ip`, config.loginLimitPerIp);
  }

  async attempt(ip: string, email?: string): Promise<void> {
    await this.consume(this.perIp, ip);
    if (email) await this.consume(this.perEmail, email);
  }

  private async consume(budget: RedisBudget, key: string): Promise<void> {
    const state = await budget.spend(key);
    if (!state.exceeded) return;
    throw new TooManyRequests(state.resetSeconds, `too many attempts; retry in ${state.resetSeconds} s`);
  }
}
