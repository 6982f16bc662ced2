/**
 * Redis "restarted" in the middle of a burst of payments.
 *
 * The real Redis is shared with other test runs, so it is never restarted: the api and the worker
 * (real processes, `npm run build` first) reach it through a TCP relay on 127.0.0.1 that the test
 * cuts — every open connection closed, new ones refused — for a few seconds, then reopens on the
 * same port. A real restart of a Redis without persistence also loses what it held, so during the
 * outage the test deletes this run's keys (`${QUEUE_PREFIX}*`: queued jobs, rate-limit counters)
 * over its own, direct connection.
 */
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { ClientToServerEvents, ServerToClientEvents } from '#events';
import { PaymentBurst, type Ring } from '../support/burst.js';
import type { RunningProcess } from '../support/processes.js';
import { Relay } from '../support/relay.js';
import type { TestUser } from '../support/users.js';
import {
  expectEveryPaymentFinalOnce,
  expectOnlyAcceptedOrUnavailable,
  type FaultStage,
  stageBehindRelay,
} from './promises.js';

const OUTAGE_MS = 4000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type EventsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What a restart without persistence loses: every key of this run. */
async function forgetEverything(redis: Redis): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.QUEUE_PREFIX}*`, 'COUNT', 1000);
    if (keys.length) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

describe('Redis restarted during a burst of payments', () => {
  const relay = Relay.to(REDIS_URL, 6379);
  const direct = new Redis(REDIS_URL);
  const sockets: EventsSocket[] = [];
  let stage: FaultStage;
  let db: DataSource;
  let admin: TestUser;
  let api: RunningProcess;
  let ring: Ring;

  beforeAll(async () => {
    stage = await stageBehindRelay(relay, () => ({ REDIS_URL: relay.address(REDIS_URL) }));
    ({ db, admin, api, ring } = stage);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.disconnect());
    await stage?.stop();
    await direct.quit();
  });

  /** A client as a browser would hold one: reconnecting on its own, remembering which payments completed. */
  async function listen(user: TestUser) {
    const socket: EventsSocket = io(`${api.url}/events`, {
      auth: { token: user.token },
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    sockets.push(socket);
    const completed = new Set<string>();
    socket.on('payment.completed', (payment) => completed.add(payment.id));
    await new Promise<void>((connected, refused) => {
      socket.once('connect', connected);
      socket.once('connect_error', refused);
    });
    return { socket, completed };
  }

  async function until(condition: () => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('accepts payments while it is down, finishes them in one sweep, once, with a zero trial balance; Socket.IO clients get events again', async () => {
    const clients = await Promise.all(ring.users.slice(0, 2).map(listen));
    const burst = new PaymentBurst(() => api.url, ring);
    burst.start(8, 60);
    await burst.until(20);

    burst.phase = 'during';
    await relay.cut();
    expect(await forgetEverything(direct)).toBeGreaterThan(0);
    await burst.until(10);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const health = await request(api.url).get('/health').timeout(10_000).expect(503);
    expect(health.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
    await relay.open();
    burst.phase = 'after';
    await burst.until(20);
    await burst.stop();

    expectOnlyAcceptedOrUnavailable(burst);
    expect(burst.answers.filter((a) => a.phase === 'during' && a.status === 202).length).toBeGreaterThanOrEqual(10);
    await request(api.url).get('/health').timeout(10_000).expect(200);
    await expectEveryPaymentFinalOnce(db, api, admin, ring, burst);

    // Events flow again through the reconnected adapter: a payment made now reaches its payer's socket.
    const [payer] = clients;
    const { body } = await request(api.url)
      .post('/api/v1/payments')
      .set(ring.users[0].auth)
      .send({ fromAccountId: ring.accounts[0], toAccountId: ring.accounts[1], amount: '0.10' })
      .expect(202);
    await until(() => payer.completed.has(body.id));
    expect(clients.map((c) => c.socket.connected)).toEqual([true, true]);
  });
});
