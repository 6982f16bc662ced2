import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

/** Connection options every Redis client of the process shares: fail fast instead of queueing forever. */
export function redisOptions() {
  return { maxRetriesPerRequest: 1, connectTimeout: 3000, enableReadyCheck: true };
}

/** One shared Redis connection for commands (rate limits, health); subscribers open their own. */
@Global()
@Module({
  providers: [{ provide: Redis, inject: [AppConfig], useFactory: (config: AppConfig) => new Redis(config.redisUrl, redisOptions()) }],
  exports: [Redis],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(Redis) private readonly redis: Redis) {}

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
