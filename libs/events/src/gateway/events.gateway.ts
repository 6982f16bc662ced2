import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { type AuthUser, NotFound } from '#platform';
import { GetPayment, type PaymentView } from '#payments';
import { Credentials } from '#users';
import {
  EVENTS_NAMESPACE,
  paymentRoom,
  userRoom,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type WatchRefused,
} from '../event-map.js';

interface SocketData {
  user: AuthUser;
}
type EventsNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type EventsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** How long a socket may outlive the revocation of its token or API key. */
const TOKEN_RECHECK_MS = 5000;

/**
 * /events: authenticates each socket by its access token or API key, puts it in its user's room and answers
 * `payment.watch`. Events reach the rooms through the Redis adapter (see PaymentEventsRelay).
 */
@WebSocketGateway({ namespace: EVENTS_NAMESPACE })
export class EventsGateway implements OnGatewayInit<EventsNamespace>, OnModuleDestroy {
  private readonly logger = new Logger('EventsGateway');
  private recheck?: NodeJS.Timeout;
  private rechecking = false;

  constructor(
    private readonly credentials: Credentials,
    private readonly queries: QueryBus,
  ) {}

  afterInit(namespace: EventsNamespace): void {
    // A middleware's error reaches the client as connect_error; joining here means that once the
    // client sees `connect`, no event for its user can be missed.
    namespace.use((socket, next) => void this.admit(socket).then(() => next(), next));
    this.recheck = setInterval(() => void this.disconnectRevoked(namespace), TOKEN_RECHECK_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.recheck);
  }

  @SubscribeMessage('payment.watch')
  async watch(
    @ConnectedSocket() socket: EventsSocket,
    @MessageBody() body: unknown,
  ): Promise<PaymentView | WatchRefused> {
    const paymentId = (body as { paymentId?: unknown } | undefined)?.paymentId;
    try {
      const payment = await this.queries.execute(
        new GetPayment(socket.data.user, typeof paymentId === 'string' ? paymentId : ''),
      );
      await socket.join(paymentRoom(payment.id));
      return payment;
    } catch (error) {
      if (error instanceof NotFound) return { error: 'NOT_FOUND' };
      this.logger.error(error);
      return { error: 'INTERNAL_ERROR' };
    }
  }

  private async admit(socket: EventsSocket): Promise<void> {
    const user = await this.credentials.authenticate(socket.handshake.auth.token).catch((error: Error) => {
      this.logger.error(error);
      throw new Error('unavailable');
    });
    if (!user) throw new Error('unauthorized');
    socket.data.user = user;
    await socket.join(userRoom(user.id));
  }

  /** The credential's row is the truth, shared by every instance: a socket whose token or key is no longer live goes. */
  private async disconnectRevoked(namespace: EventsNamespace): Promise<void> {
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      const socketsByToken = new Map<string, EventsSocket[]>();
      for (const socket of namespace.sockets.values()) {
        const token = socket.handshake.auth.token as string;
        socketsByToken.set(token, [...(socketsByToken.get(token) ?? []), socket]);
      }
      // Checked together: concurrent credential checks share one query.
      await Promise.all(
        [...socketsByToken].map(async ([token, sockets]) => {
          if ((await this.credentials.authenticate(token)) === false)
            sockets.forEach((socket) => socket.disconnect(true));
        }),
      );
    } catch (error) {
      this.logger.warn(`credentials of connected sockets not checked: ${(error as Error).message}`);
    } finally {
      this.rechecking = false;
    }
  }
}
