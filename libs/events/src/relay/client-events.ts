import { Injectable, Logger } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { AppConfig } from '#platform';
import { EVENTS_NAMESPACE, socketIoKey, type ServerToClientEvents } from '../event-map.js';

type EventName = keyof ServerToClientEvents;

/**
 * Sends events to the sockets in some rooms, whichever api instance holds them: it publishes on
 * Redis, where every api's Socket.IO adapter listens. Works in a process without a Socket.IO server.
 *
 * The events of one turn of the event loop (a batch of payments accepted or posted together) leave
 * in one write: the connection is corked until the turn ends, instead of one write per event,
 * each of which also woke Redis up; other commands sent on the shared connection in that turn wait
 * with them, for less than the turn. (Not a Pipeline: each one gets hidden classes of its own,
 * which V8 keeps in the old generation.)
 */
@Injectable()
export class ClientEvents {
  private readonly logger = new Logger('ClientEvents');
  private readonly emitter: Emitter<ServerToClientEvents>;
  private corked = false;

  constructor(
    config: AppConfig,
    private readonly redis: Redis,
  ) {
    // The emitter fires PUBLISH and forgets the promise; a Redis outage must cost an event, not the process.
    const publisher = {
      publish: (channel: string, message: Buffer) => {
        this.corkUntilTurnEnds();
        return redis
          .publish(channel, message)
          .catch((error: Error) => this.logger.warn(`socket event not published: ${error.message}`));
      },
    };
    this.emitter = new Emitter<ServerToClientEvents>(publisher, { key: socketIoKey(config.queuePrefix) }).of(
      EVENTS_NAMESPACE,
    );
  }

  send<E extends EventName>(rooms: string[], event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.emitter.to(rooms).emit(event, ...args);
  }

  private corkUntilTurnEnds(): void {
    const stream = this.redis.stream;
    if (this.corked || !stream || this.redis.status !== 'ready') return;
    this.corked = true;
    stream.cork();
    setImmediate(() => {
      this.corked = false;
      stream.uncork();
    });
  }
}
