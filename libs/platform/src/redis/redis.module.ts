import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

/**
 * A Redis client that survives outages: it reconnects by itself and reports the outage once.
 * Commands fail fast (one retry) so a request answers 503 instead of hanging; a subscriber waits
 * instead (`subscriber: true`), since its subscriptions are not awaited by anyone who could retry.
 *
 * No auto-pipelining: it saves a write per event published, but each of its per-tick pipelines
 * gets a hidden class of its own (an accessor defined per instance), which V8 allocates in the old
 * generation, so it fed the api's full collections, which stall requests (docs/performance.md,
 * "Less garbage promoted in the api").
 */
export function createRedisClient(url: string, name: string, options: { subscriber?: boolean } = {}): Redis {
  const logger = new Logger(`Redis:${name}`);
  const client = new Redis(url, {
    maxRetriesPerRequest: options.subscriber ? null : 1,
    connectTimeout: 3000,
    enableReadyCheck: true,
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) logger.warn(`Redis unavailable: ${error.message}`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.log('Redis available again');
    down = false;
  });
  return client;
}

/** One shared Redis connection for commands (rate limits, health, events); subscribers open their own. */
@Global()
@Module({
  providers: [
    {
      provide: Redis,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createRedisClient(config.redisUrl, 'commands'),
    },
  ],
  exports: [Redis],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(Redis) private readonly redis: Redis) {}

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
