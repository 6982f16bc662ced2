import { Redis } from 'ioredis';
import type { Socket } from 'node:net';
import type { AppConfig } from '#platform';
import type { PaymentView } from '#payments';
import { socketIoKey } from '../event-map.js';
import { ClientEvents } from './client-events.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('ClientEvents (against real Redis)', () => {
  const queuePrefix = `client-events-spec-${process.pid}-${Date.now()}`;
  let redis: Redis;
  let subscriber: Redis;
  const received: string[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    subscriber = new Redis(REDIS_URL);
    subscriber.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) =>
      received.push(message.toString('latin1')),
    );
    await subscriber.psubscribe(`${socketIoKey(queuePrefix)}#*`);
    await redis.ping();
  });
  afterAll(async () => {
    await Promise.all([redis.quit(), subscriber.quit()]);
  });

  it('publishes the events of one turn of the event loop in one write to Redis, every one of them', async () => {
    const events = new ClientEvents({ queuePrefix } as AppConfig, redis);
    const socket = redis.stream as Socket & {
      _write: (...args: unknown[]) => void;
      _writev: (...args: unknown[]) => void;
    };
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method].bind(socket);
      socket[method] = (...args: unknown[]) => {
        writes++;
        original(...args);
      };
    }

    const ids = Array.from({ length: 20 }, (_, i) => `payment-${i}`);
    for (const id of ids) events.send([`payment:${id}`], 'payment.completed', { id } as PaymentView);
    await new Promise((resolve) => setImmediate(resolve));
    for (let waited = 0; received.length < ids.length && waited < 5000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));

    expect(writes).toBe(1);
    expect(received).toHaveLength(ids.length);
    ids.forEach((id, i) => expect(received[i]).toContain(id));

    // The next turn is not held back: it gets a write of its own.
    events.send(['payment:later'], 'payment.failed', { id: 'later' } as PaymentView);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toBe(2);
  });
});
