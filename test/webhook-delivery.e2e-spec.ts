import pg from 'pg';
import request from 'supertest';
import { testDatabaseUrl } from './support/harness.js';
import { startWorkerProcess } from './support/processes.js';
import { deposit, openAccount, settled } from './support/money.js';
import { registerUser, type TestUser } from './support/users.js';
import type { WebhookReceiver } from './support/webhook-receiver.js';
import { WebhookStack } from './support/webhook-stack.js';

/** Attempts never time out during a test: a hanging receiver holds its requests until the test releases them. */
const ENDPOINT_CONCURRENCY = 4;
const WEBHOOK_ENV = {
  WEBHOOK_ALLOW_INSECURE: 'true',
  WEBHOOK_TIMEOUT_MS: '60000',
  WEBHOOK_RETRY_BASE_MS: '60000',
  WEBHOOK_POLL_INTERVAL_MS: '200',
  WEBHOOK_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY),
  WEBHOOK_PURGE_INTERVAL_MS: '200',
  SWEEP_INTERVAL_MS: '200',
};
const API = '/api/v1/webhook-endpoints';

interface Endpoint {
  id: string;
  secret: string;
}

interface Delivery {
  id: string;
  eventId: string;
  paymentId: string;
  type: string;
  status: string;
  attempts: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** A write transaction held open in a scratch database of the same server, as another test run's might be. */
async function holdWriteElsewhere(): Promise<{ release: () => Promise<void> }> {
  const url = new URL(testDatabaseUrl());
  const name = `billing_test_blocker_${process.pid}`;
  const server = await connect(url.href);
  await server.query(`DROP DATABASE IF EXISTS ${name}`);
  await server.query(`CREATE DATABASE ${name}`);
  url.pathname = `/${name}`;
  const blocker = await connect(url.href);
  await blocker.query(`CREATE TABLE held (x int)`);
  await blocker.query(`BEGIN`);
  await blocker.query(`INSERT INTO held VALUES (1)`);
  return {
    async release() {
      await blocker.end();
      await server.query(`DROP DATABASE ${name}`);
      await server.end();
    },
  };
}

describe('webhook delivery: fairness, events, redelivery, retention', () => {
  const stack = new WebhookStack();
  let running: Awaited<ReturnType<WebhookStack['start']>>;
  beforeAll(async () => (running = await stack.start(WEBHOOK_ENV)));
  afterAll(async () => running && (await stack.stop(running.api, running.worker)));
  const receiver = (answer?: WebhookReceiver['answer']) => stack.receiver(answer);
  const http = () => request(running.api.url);

  async function register(user: TestUser, body: Record<string, unknown>): Promise<Endpoint> {
    return (await http().post(API).set(user.auth).send(body).expect(201)).body;
  }

  async function parties() {
    const [payer, payee] = await Promise.all([registerUser(running.api), registerUser(running.api)]);
    const [from, to] = await Promise.all([openAccount(running.api, payer), openAccount(running.api, payee)]);
    await deposit(running.api, running.admin, from, '1000.00');
    return { payer, payee, from, to };
  }

  async function transfer(payer: TestUser, from: string, to: string): Promise<string> {
    return (
      await http()
        .post('/api/v1/payments')
        .set(payer.auth)
        .send({ fromAccountId: from, toAccountId: to, amount: '1.00' })
        .expect(202)
    ).body.id;
  }

  async function deliveries(user: TestUser, endpoint: Endpoint, query = ''): Promise<Delivery[]> {
    return (await http().get(`${API}/${endpoint.id}/deliveries?limit=100&${query}`).set(user.auth).expect(200)).body
      .data;
  }

  async function until<T>(
    what: string,
    probe: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeoutMs} ms: ${JSON.stringify(value)}`);
      await sleep(50);
    }
  }

  describe('fairness', () => {
    it("delivers and records a fast endpoint's events while another endpoint hangs, which holds only its own lane", async () => {
      const { payer, payee, from, to } = await parties();
      const hanging = await receiver(() => 'hang');
      const fast = await receiver();
      await register(payer, { url: hanging.url });
      const fastEndpoint = await register(payee, { url: fast.url });
      // Every payment's events go to both endpoints, recorded and leased together.
      const payments = [];
      for (let i = 0; i < 15; i++) payments.push(await transfer(payer, from, to));
      await Promise.all(payments.map((id) => settled(running.api, payer, id)));

      await fast.until((received) => received.length === 2 * payments.length);
      const recorded = await until(
        'every fast delivery recorded SUCCEEDED',
        () => deliveries(payee, fastEndpoint),
        (list) => list.length === 2 * payments.length && list.every((d) => d.status === 'SUCCEEDED'),
      );
      expect(recorded.every((d) => d.attempts === 1)).toBe(true);
      // Nothing the hanging endpoint was sent has been answered or timed out, and it never had more than its lane.
      expect(hanging.received.length).toBeGreaterThan(0);
      expect(hanging.received.length).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
      expect(hanging.hanging()).toBe(hanging.received.length);
      hanging.release(200);
    });
  });

  describe('manual retry of a delivery in flight', () => {
    it('waits for the attempt in flight and then sends once more: never two at once', async () => {
      const { payer, from, to } = await parties();
      let paymentId = '';
      const hooks = await receiver((webhook) =>
        webhook.body.data.id === paymentId && hooks.about(paymentId).length === 1 ? 'hang' : { status: 200 },
      );
      const endpoint = await register(payer, { url: hooks.url, events: ['payment.completed'] });
      paymentId = await transfer(payer, from, to);
      await hooks.until(() => hooks.about(paymentId).length === 1);
      const [inFlight] = await deliveries(payer, endpoint, `paymentId=${paymentId}`);

      const retries = await Promise.all(
        Array.from({ length: 20 }, () =>
          http().post(`${API}/${endpoint.id}/deliveries/${inFlight.id}/retry`).set(payer.auth).expect(202),
        ),
      );
      expect(retries.every((res) => res.body.status === 'PENDING')).toBe(true);
      // Several poll intervals: time for a second attempt to start, were one allowed to.
      await sleep(1500);
      expect(hooks.about(paymentId)).toHaveLength(1);

      const releasedAt = Date.now();
      hooks.release(200);
      await until(
        'the retry made after the attempt',
        () => deliveries(payer, endpoint, `paymentId=${paymentId}`),
        ([d]) => d.status === 'SUCCEEDED' && d.attempts === 2,
      );
      await sleep(500);
      const [first, second, ...more] = hooks.about(paymentId);
      expect(more).toEqual([]);
      expect(second.receivedAt).toBeGreaterThanOrEqual(releasedAt);
      expect(second.body.id).toBe(first.body.id);
    });
  });

  describe('GET /events and redelivery', () => {
    async function delivered() {
      const { payer, payee, from, to } = await parties();
      const hooks = await receiver();
      const endpoint = await register(payer, { url: hooks.url });
      const paymentId = await transfer(payer, from, to);
      await settled(running.api, payer, paymentId);
      await hooks.until(() => hooks.about(paymentId).length === 2);
      return { payer, payee, hooks, endpoint, paymentId };
    }

    it('lists the events of payments the caller pays or is paid, exactly as delivered, by the list conventions', async () => {
      const { payer, payee, hooks, paymentId } = await delivered();
      const stranger = await registerUser(running.api);
      const byEvent = new Map(hooks.about(paymentId).map((r) => [r.body.id, r.body]));

      for (const user of [payer, payee, running.admin]) {
        const res = await http().get(`/api/v1/events?paymentId=${paymentId}&sort=createdAt`).set(user.auth).expect(200);
        expect(res.body.data.map((e: { type: string }) => e.type)).toEqual(['payment.initiated', 'payment.completed']);
        for (const event of res.body.data) expect(event).toEqual(byEvent.get(event.id));
      }
      const mine = await http().get(`/api/v1/events?paymentId=${paymentId}`).set(stranger.auth).expect(200);
      expect(mine.body).toEqual({ data: [], nextCursor: null });

      const completed = await http()
        .get(`/api/v1/events?paymentId=${paymentId}&type=payment.completed`)
        .set(payer.auth)
        .expect(200);
      expect(completed.body.data).toHaveLength(1);
      const first = await http().get(`/api/v1/events?paymentId=${paymentId}&limit=1`).set(payer.auth).expect(200);
      const second = await http()
        .get(`/api/v1/events?paymentId=${paymentId}&limit=1&cursor=${first.body.nextCursor}`)
        .set(payer.auth)
        .expect(200);
      expect([first.body.data[0].type, second.body.data[0].type]).toEqual(['payment.completed', 'payment.initiated']);
      const later = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
      expect(
        (await http().get(`/api/v1/events?paymentId=${paymentId}&createdAt[gte]=${later}`).set(payer.auth).expect(200))
          .body.data,
      ).toEqual([]);
      for (const query of ['type=payment.refunded', 'paymentId=nope', 'colour=red']) {
        expect((await http().get(`/api/v1/events?${query}`).set(payer.auth).expect(400)).body.code).toBe(
          'INVALID_QUERY',
        );
      }
    });

    it('does not list events past WEBHOOK_RETENTION_DAYS', async () => {
      const { payer, paymentId } = await delivered();
      await running.db.query(
        `UPDATE webhook_events SET created_at = now() - interval '31 days' WHERE payment_id = $1 AND type = 'payment.initiated'`,
        [paymentId],
      );
      const res = await http().get(`/api/v1/events?paymentId=${paymentId}`).set(payer.auth).expect(200);
      expect(res.body.data.map((e: { type: string }) => e.type)).toEqual(['payment.completed']);
    });

    it('redelivers the events named, or since a time, to the endpoint: 202 with how many were queued', async () => {
      const { payer, hooks, endpoint, paymentId } = await delivered();
      const completed = hooks.about(paymentId).find((r) => r.body.type === 'payment.completed')!;
      const named = await http()
        .post(`${API}/${endpoint.id}/redeliver`)
        .set(payer.auth)
        .send({ eventIds: [completed.body.id] })
        .expect(202);
      expect(named.body).toEqual({ queued: 1 });
      await hooks.until(() => hooks.about(paymentId).length === 3);
      expect(hooks.about(paymentId)[2].rawBody).toBe(completed.rawBody);

      // The payment's two events may arrive in either order: since the earlier one.
      const since = hooks
        .about(paymentId)
        .map((r) => r.body.createdAt)
        .sort()[0];
      const all = await http().post(`${API}/${endpoint.id}/redeliver`).set(payer.auth).send({ since }).expect(202);
      expect(all.body).toEqual({ queued: 2 });
      await hooks.until(() => hooks.about(paymentId).length === 5);
    });

    it("refuses redelivery without since or eventIds (400), through an API key (403), and of another user's endpoint (404)", async () => {
      const { payer, endpoint } = await delivered();
      const other = await registerUser(running.api);
      for (const body of [{}, { since: 'yesterday' }, { eventIds: ['nope'] }, { eventIds: [] }]) {
        expect(
          (await http().post(`${API}/${endpoint.id}/redeliver`).set(payer.auth).send(body).expect(400)).body.code,
        ).toBe('VALIDATION_FAILED');
      }
      const key = (await http().post('/api/v1/api-keys').set(payer.auth).send({ name: 'backend' }).expect(201)).body
        .key as string;
      const since = new Date(0).toISOString();
      expect(
        (
          await http()
            .post(`${API}/${endpoint.id}/redeliver`)
            .set('Authorization', `Bearer ${key}`)
            .send({ since })
            .expect(403)
        ).body.code,
      ).toBe('FORBIDDEN');
      expect(
        (await http().post(`${API}/${endpoint.id}/redeliver`).set(other.auth).send({ since }).expect(404)).body.code,
      ).toBe('NOT_FOUND');
    });
  });

  describe('fan-out', () => {
    it('delivers while a write transaction stays open in another database of the same server', async () => {
      const { payer, from, to } = await parties();
      const hooks = await receiver();
      await register(payer, { url: hooks.url, events: ['payment.completed'] });
      const elsewhere = await holdWriteElsewhere();
      try {
        const paymentId = await transfer(payer, from, to);
        await hooks.until((got) => got.some((r) => r.body.data.id === paymentId));
      } finally {
        await elsewhere.release();
      }
    });

    it('skips an event another fan-out holds, and fans it out exactly once after that one crashes', async () => {
      const { payer, from, to } = await parties();
      const hooks = await receiver();
      const endpoint = await register(payer, { url: hooks.url, events: ['payment.initiated'] });
      // No worker when the first payment is made: its event stays pending.
      await running.worker.kill();
      const held = await transfer(payer, from, to);
      const pending = () =>
        running.db.query(
          `SELECT id FROM webhook_events WHERE payment_id = $1 AND type = 'payment.initiated' AND fanned_out_at IS NULL`,
          [held],
        );
      const [{ id: heldEvent }] = await until('the event pending', pending, (rows) => rows.length === 1);
      // As a worker fanning that event out would, then dies before committing.
      const fanningOut = await connect(testDatabaseUrl());
      try {
        await fanningOut.query(`BEGIN`);
        await fanningOut.query(`SELECT 1 FROM webhook_events WHERE id = $1 FOR UPDATE`, [heldEvent]);
        running.worker = await startWorkerProcess(stack.workerEnv(WEBHOOK_ENV));
        const other = await transfer(payer, from, to);
        await hooks.until((got) => got.some((r) => r.body.data.id === other));
        expect(hooks.about(held)).toEqual([]);
        await fanningOut.query(`ROLLBACK`);
      } finally {
        await fanningOut.end();
      }
      await hooks.until((got) => got.some((r) => r.body.data.id === held));
      const made = await running.db.query(`SELECT 1 FROM webhook_deliveries WHERE event_id = $1 AND endpoint_id = $2`, [
        heldEvent,
        endpoint.id,
      ]);
      expect(made).toHaveLength(1);
    });
  });

  describe('retention', () => {
    it('purges events and finished deliveries past WEBHOOK_RETENTION_DAYS, keeping pending ones and recent ones', async () => {
      const { payer, from, to } = await parties();
      const hooks = await receiver((request) => ({ status: request.body.data.description === 'fails' ? 500 : 200 }));
      const endpoint = await register(payer, { url: hooks.url, events: ['payment.completed'] });
      const old = await transfer(payer, from, to);
      const recent = await transfer(payer, from, to);
      const failing = (
        await http()
          .post('/api/v1/payments')
          .set(payer.auth)
          .send({ fromAccountId: from, toAccountId: to, amount: '1.00', description: 'fails' })
          .expect(202)
      ).body.id;
      const ours = [old, recent, failing];
      const attempted = (list: Delivery[]) =>
        list.filter((d) => ours.includes(d.paymentId) && d.attempts === 1).length === 3;
      await until('three deliveries attempted', () => deliveries(payer, endpoint), attempted);
      await running.db.query(
        `UPDATE webhook_events SET created_at = now() - interval '31 days' WHERE payment_id = ANY($1)`,
        [[old, failing]],
      );

      const events = () => running.db.query(`SELECT payment_id FROM webhook_events WHERE payment_id = ANY($1)`, [ours]);
      await until('the old events purged', events, (rows) => rows.length === 3);
      const left = await running.db.query(
        `SELECT ev.payment_id, d.status FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id WHERE ev.payment_id = ANY($1)`,
        [ours],
      );
      expect(left.sort((a: { status: string }, b: { status: string }) => a.status.localeCompare(b.status))).toEqual([
        { payment_id: failing, status: 'PENDING' },
        { payment_id: recent, status: 'SUCCEEDED' },
      ]);
    });

    it('purges capture Idempotency-Keys past WEBHOOK_RETENTION_DAYS', async () => {
      const user = await registerUser(running.api);
      await running.db.query(
        `INSERT INTO capture_requests (user_id, idempotency_key, payment_id, request_hash, created_at)
         VALUES ($1, 'old', gen_random_uuid(), 'h', now() - interval '31 days'), ($1, 'recent', gen_random_uuid(), 'h', now())`,
        [user.id],
      );
      const keys = () => running.db.query(`SELECT idempotency_key FROM capture_requests WHERE user_id = $1`, [user.id]);
      expect(await until('the old key purged', keys, (rows) => rows.length === 1)).toEqual([
        { idempotency_key: 'recent' },
      ]);
    });
  });
});
