import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { RedisAdapter, type RedisAdapterOptions } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import * as msgpack from 'notepack.io';
import { AppConfig, createRedisClient } from '#platform';
import { socketIoKey } from '../event-map.js';

// @nestjs/platform-socket.io pins its own copy of socket.io; its types are the ones to speak.
type IoServerOptions = Parameters<IoAdapter['createIOServer']>[1];
type Namespace = ConstructorParameters<typeof RedisAdapter>[0];

/** A message from Redis, already decoded by `LocalRoomsRedisAdapter`; the parser hands it back as is. */
class DecodedMessage {
  constructor(readonly value: unknown) {}
}

/** The wire format stays MessagePack, the emitter's and every other instance's. */
const decodeOnce: RedisAdapterOptions['parser'] = {
  encode: (value: unknown): Buffer => msgpack.encode(value) as Buffer,
  decode: (message: unknown): unknown => (message instanceof DecodedMessage ? message.value : msgpack.decode(message)),
};

/** The broadcast part of what the Redis adapter publishes: `[uid, packet, { rooms, except, flags }]`. */
type Broadcast = [unknown, unknown, { rooms?: string[] } | undefined];

// `onmessage` is private in the adapter's declarations, but it is the one entry of published broadcasts;
// the subclass is a RedisAdapter to everyone else.
type BroadcastReceiver = { onmessage(pattern: unknown, channel: string | Buffer, message: unknown): void };
const Base = RedisAdapter as unknown as new (
  ...args: ConstructorParameters<typeof RedisAdapter>
) => Omit<RedisAdapter, 'onmessage'> & BroadcastReceiver;

/**
 * The Redis adapter hands every event published for its namespace to the in-memory broadcast,
 * which encodes the Socket.IO packet before it looks for a recipient; every api instance receives
 * every payment's events, but holds the sockets of few of their rooms. This one drops a broadcast
 * no local socket can receive before any encoding: without sockets, before decoding it.
 */
class LocalRoomsRedisAdapter extends Base {
  override onmessage(pattern: unknown, channel: string | Buffer, message: unknown): void {
    if (this.sids.size === 0) return;
    const broadcast = this.parser.decode(message) as Broadcast;
    const rooms = broadcast[2]?.rooms;
    if (rooms?.length && !rooms.some((room) => this.rooms.has(room))) return;
    super.onmessage(pattern, channel, new DecodedMessage(broadcast));
  }
}

/** Socket.IO calls an adapter factory with `new`, so it is a function, not an arrow. */
export function localRoomsRedisAdapter(
  publisher: Redis,
  subscriber: Redis,
  options: Omit<Partial<RedisAdapterOptions>, 'parser'>,
) {
  return function (nsp: Namespace) {
    return new LocalRoomsRedisAdapter(nsp, publisher, subscriber, {
      ...options,
      parser: decodeOnce,
    }) as unknown as RedisAdapter;
  };
}

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
    server.adapter(
      localRoomsRedisAdapter(this.publisher, this.subscriber, { key: socketIoKey(this.config.queuePrefix) }),
    );
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
