import { Injectable, Logger } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { AppConfig } from '#platform';
import { EVENTS_NAMESPACE, socketIoKey, type ServerToClientEvents } from '../event-map.js';

type EventName = keyof ServerToClientEvents;

/**
 * Sends events to the sockets in some rooms, whichever api instance holds them: it publishes on
 * Redis, where every api's Socket.IO adapter listens. Works in a process without a Socket.IO server.
 */
@Injectable()
export class ClientEvents {
  private readonly logger = new Logger('ClientEvents');
  private readonly emitter: Emitter<ServerToClientEvents>;

  constructor(config: AppConfig, redis: Redis) {
    // The emitter fires PUBLISH and forgets the promise; a Redis outage must cost an event, not the process.
    const publisher = {
      publish: (channel: string, message: Buffer) =>
        redis.publish(channel, message).catch((error: Error) => this.logger.warn(`socket event not published: ${error.message}`)),
    };
    this.emitter = new Emitter<ServerToClientEvents>(publisher, { key: socketIoKey(config.queuePrefix) }).of(EVENTS_NAMESPACE);
  }

  send<E extends EventName>(rooms: string[], event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.emitter.to(rooms).emit(event, ...args);
  }
}
