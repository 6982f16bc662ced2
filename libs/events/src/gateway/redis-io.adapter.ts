import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { AppConfig, createRedisClient } from '#platform';
import { socketIoKey } from '../event-map.js';

// @nestjs/platform-socket.io pins its own copy of socket.io; its types are the ones to speak.
type IoServerOptions = Parameters<IoAdapter['createIOServer']>[1];

/** Socket.IO over the Redis adapter: events published by any process reach sockets on every api instance. */
class RedisIoAdapter extends IoAdapter {
  private readonly config: AppConfig;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(app: INestApplication) {
    super(app);
    this.config = app.get(AppConfig);
    this.publisher = app.get(Redis);
    this.subscriber = createRedisClient(this.config.redisUrl, 'socket.io-subscriber', { subscriber: true });
  }

  override createIOServer(port: number, options?: IoServerOptions): ReturnType<IoAdapter['createIOServer']> {
    const cors = this.config.corsOrigins.length ? { origin: this.config.corsOrigins } : undefined;
    const server = super.createIOServer(port, { ...options, cors } as IoServerOptions);
    server.adapter(createAdapter(this.publisher, this.subscriber, { key: socketIoKey(this.config.queuePrefix) }));
    return server;
  }

  override async dispose(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}

/** Call before `listen`; the api's main.ts and the e2e harness both do. */
export function useRedisIoAdapter(app: INestApplication): void {
  app.useWebSocketAdapter(new RedisIoAdapter(app));
}
