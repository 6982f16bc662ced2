import { jest } from '@jest/globals';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { PacketType } from 'socket.io-parser';
import type { AppConfig } from '#platform';
import type { PaymentView } from '#payments';
import { EVENTS_NAMESPACE, socketIoKey } from '../event-map.js';
import { ClientEvents } from '../relay/client-events.js';
import { localRoomsRedisAdapter } from './redis-io.adapter.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('localRoomsRedisAdapter (against real Redis)', () => {
  const queuePrefix = `redis-io-adapter-spec-${process.pid}-${Date.now()}`;
  let publisher: Redis;
  let subscriber: Redis;
  let http: HttpServer;
  let server: Server;
  let client: Socket | undefined;
  let events: ClientEvents;

  beforeAll(async () => {
    publisher = new Redis(REDIS_URL);
    subscriber = new Redis(REDIS_URL);
    http = createServer();
    server = new Server(http);
    server.adapter(
      localRoomsRedisAdapter(publisher, subscriber, { key: socketIoKey(queuePrefix) }) as unknown as Parameters<
        Server['adapter']
      >[0],
    );
    server.of(EVENTS_NAMESPACE).on('connection', (socket) => socket.join(String(socket.handshake.auth.room)));
    // Commands on one connection run in order: this answer means the adapters' subscriptions are in place.
    await subscriber.psubscribe(`${queuePrefix}:probe`);
    await new Promise<void>((listening) => http.listen(0, '127.0.0.1', listening));
    events = new ClientEvents({ queuePrefix } as AppConfig, publisher);
  });
  afterAll(async () => {
    client?.disconnect();
    await server.close();
    await Promise.all([publisher.quit(), subscriber.quit()]);
  });

  /** Resolves once the adapters have handled the next published message: listeners run in the order they were added. */
  const handled = () => new Promise<void>((done) => subscriber.once('pmessageBuffer', () => done()));

  it('drops an event no local socket can receive before decoding it, or before encoding it when sockets are here, and delivers the rest', async () => {
    const adapter = server.of(EVENTS_NAMESPACE).adapter as unknown as {
      parser: { decode: (message: unknown) => unknown };
    };
    const decode = jest.spyOn(adapter.parser, 'decode');
    const encode = jest.spyOn(server.encoder, 'encode');
    // The handshake's CONNECT packet is encoded too; the events are the packets of type EVENT. socket.io's
    // declarations load socket.io-parser's CommonJS types and this file its ES ones: two enums, one set of values.
    const eventsEncoded = () =>
      encode.mock.calls.filter(([packet]) => Number(packet.type) === Number(PacketType.EVENT)).length;

    let arrived = handled();
    events.send(['user:a'], 'payment.completed', { id: 'before-any-socket' } as PaymentView);
    await arrived;
    expect(decode).not.toHaveBeenCalled();
    expect(eventsEncoded()).toBe(0);

    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}${EVENTS_NAMESPACE}`;
    const connected = io(url, { auth: { room: 'user:a' }, reconnection: false, forceNew: true });
    client = connected;
    const received: string[] = [];
    const firstArrival = new Promise<void>((arrived) =>
      connected.onAny((_event: string, payment: PaymentView) => {
        received.push(payment.id);
        arrived();
      }),
    );
    await new Promise<void>((ready) => connected.once('connect', () => ready()));

    arrived = handled();
    events.send(['user:b', 'payment:p'], 'payment.completed', { id: 'for-other-rooms' } as PaymentView);
    await arrived;
    expect(decode).toHaveBeenCalledTimes(1);
    expect(eventsEncoded()).toBe(0);

    events.send(['user:b', 'user:a'], 'payment.completed', { id: 'for-a' } as PaymentView);
    await firstArrival;
    expect(received).toEqual(['for-a']);
    expect(eventsEncoded()).toBe(1);
  });
});
