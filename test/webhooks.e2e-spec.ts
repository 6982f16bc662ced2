import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { RunningApp } from './support/harness.js';
import { deposit, openAccount, settled } from './support/money.js';
import { type RunningProcess, startWorkerProcess } from './support/processes.js';
import { registerUser, type TestUser } from './support/users.js';
import { type ReceivedWebhook, verifySignature, type WebhookReceiver } from './support/webhook-receiver.js';
import { QUICK_WEBHOOK_ENV, WebhookStack } from './support/webhook-stack.js';

const WEBHOOK_ENV = { ...QUICK_WEBHOOK_ENV, WEBHOOK_MAX_ATTEMPTS: '4' };
const API = '/api/v1/webhook-endpoints';

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  secret: string;
  [field: string]: unknown;
}

interface Delivery {
  id: string;
  eventId: string;
  type: string;
  paymentId: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhooks', () => {
  const stack = new WebhookStack();
  let api: RunningApp;
  let db: DataSource;
  let admin: TestUser;
  let worker: RunningProcess;
  beforeAll(async () => ({ api, db, admin, worker } = await stack.start(WEBHOOK_ENV)));
  afterAll(() => stack.stop(api, worker));
  const receiver = () => stack.receiver();

  async function register(user: TestUser, body: Record<string, unknown>): Promise<Endpoint> {
    const res = await request(api.url).post(API).set(user.auth).send(body).expect(201);
    return res.body;
  }

  /** A funded payer and a payee, each with an account. */
  async function parties() {
    const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
    const [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee)]);
    await deposit(api, admin, from, '100.00');
    return { payer, payee, from, to };
  }

  async function transfer(payer: TestUser, from: string, to: string, amount = '10.00'): Promise<string> {
    const res = await request(api.url)
      .post('/api/v1/payments')
      .set(payer.auth)
      .send({ fromAccountId: from, toAccountId: to, amount })
      .expect(202);
    return res.body.id;
  }

  async function deliveries(user: TestUser, endpoint: Endpoint, query = ''): Promise<Delivery[]> {
    const res = await request(api.url).get(`${API}/${endpoint.id}/deliveries?${query}`).set(user.auth).expect(200);
    return res.body.data;
  }

  async function deliveryUntil(
    user: TestUser,
    endpoint: Endpoint,
    paymentId: string,
    predicate: (d: Delivery) => boolean,
    timeoutMs = 20_000,
  ): Promise<Delivery> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await deliveries(user, endpoint, `paymentId=${paymentId}`)).find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no such delivery of ${paymentId} after ${timeoutMs} ms: ${JSON.stringify(await deliveries(user, endpoint, `paymentId=${paymentId}`))}`,
        );
      await sleep(50);
    }
  }

  const types = (received: ReceivedWebhook[]) => received.map((r) => r.body.type).sort();

  describe('endpoints', () => {
    it('registers an endpoint for every event by default, answering its secret once', async () => {
      const user = await registerUser(api);
      const res = await request(api.url)
        .post(API)
        .set(user.auth)
        .send({ url: 'http://127.0.0.1:9/hooks', description: 'orders' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        url: 'http://127.0.0.1:9/hooks',
        events: ['*'],
        description: 'orders',
        enabled: true,
        metadata: {},
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
        previousSecretExpiresAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const shown = await request(api.url).get(`${API}/${res.body.id}`).set(user.auth).expect(200);
      expect(shown.body).not.toHaveProperty('secret');
      expect(shown.body).toEqual({ ...res.body, secret: undefined });
    });

    it('refuses an unknown event name, an empty events list and unknown fields with 400 VALIDATION_FAILED', async () => {
      const user = await registerUser(api);
      for (const body of [
        { url: 'http://127.0.0.1:9/', events: ['payment.refunded'] },
        { url: 'http://127.0.0.1:9/', events: [] },
        { url: 'http://127.0.0.1:9/', events: 'payment.completed' },
        { url: 'http://127.0.0.1:9/', secret: 'mine' },
        { events: ['*'] },
      ]) {
        const res = await request(api.url).post(API).set(user.auth).send(body).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('changes what is given, deletes with 204, and then answers 404', async () => {
      const user = await registerUser(api);
      const endpoint = await register(user, { url: 'http://127.0.0.1:9/a' });
      const res = await request(api.url)
        .patch(`${API}/${endpoint.id}`)
        .set(user.auth)
        .send({ url: 'http://127.0.0.1:9/b', events: ['payment.completed', 'payment.failed'], enabled: false })
        .expect(200);
      expect(res.body).toMatchObject({
        url: 'http://127.0.0.1:9/b',
        events: ['payment.completed', 'payment.failed'],
        enabled: false,
        description: null,
      });
      await request(api.url).delete(`${API}/${endpoint.id}`).set(user.auth).expect(204);
      await request(api.url).get(`${API}/${endpoint.id}`).set(user.auth).expect(404);
      await request(api.url).delete(`${API}/${endpoint.id}`).set(user.auth).expect(404);
    });

    it("answers 404 for another user's endpoint, whatever is asked of it, and for a malformed id", async () => {
      const [owner, other] = await Promise.all([registerUser(api), registerUser(api)]);
      const endpoint = await register(owner, { url: 'http://127.0.0.1:9/' });
      const calls = [
        request(api.url).get(`${API}/${endpoint.id}`),
        request(api.url).patch(`${API}/${endpoint.id}`).send({ enabled: false }),
        request(api.url).delete(`${API}/${endpoint.id}`),
        request(api.url).post(`${API}/${endpoint.id}/rotate-secret`),
        request(api.url).get(`${API}/${endpoint.id}/deliveries`),
        request(api.url).post(`${API}/${endpoint.id}/deliveries/${endpoint.id}/retry`),
      ];
      for (const call of calls) expect((await call.set(other.auth).expect(404)).body.code).toBe('NOT_FOUND');
      await request(api.url).get(`${API}/not-a-uuid`).set(owner.auth).expect(404);
      await request(api.url).get(`${API}/${endpoint.id}`).set(owner.auth).expect(200);
      const list = await request(api.url).get(API).set(other.auth).expect(200);
      expect(list.body).toEqual({ data: [], nextCursor: null });
    });

    it('lists own endpoints by the list conventions', async () => {
      const user = await registerUser(api);
      const made = [];
      for (const n of [1, 2, 3])
        made.push(await register(user, { url: `http://127.0.0.1:9/${n}`, description: `n${n}` }));
      const first = await request(api.url).get(`${API}?sort=createdAt&limit=2`).set(user.auth).expect(200);
      expect(first.body.data.map((e: Endpoint) => e.id)).toEqual([made[0].id, made[1].id]);
      expect(first.body.data[0]).not.toHaveProperty('secret');
      const second = await request(api.url)
        .get(`${API}?sort=createdAt&limit=2&cursor=${first.body.nextCursor}`)
        .set(user.auth)
        .expect(200);
      expect(second.body).toEqual({ data: [expect.objectContaining({ id: made[2].id })], nextCursor: null });
      const filtered = await request(api.url).get(`${API}?description=n2`).set(user.auth).expect(200);
      expect(filtered.body.data.map((e: Endpoint) => e.id)).toEqual([made[1].id]);
      for (const query of ['colour=red', 'limit=0', 'enabled=maybe', 'cursor=forged']) {
        expect((await request(api.url).get(`${API}?${query}`).set(user.auth).expect(400)).body.code).toBe(
          'INVALID_QUERY',
        );
      }
    });
  });

  describe('delivery', () => {
    it("sends a transfer's payment.initiated and payment.completed to the payer's and the payee's endpoints, signed, and the payment as GET shows it", async () => {
      const { payer, payee, from, to } = await parties();
      const payerHooks = await receiver();
      const payeeHooks = await receiver();
      const payerEndpoint = await register(payer, { url: payerHooks.url });
      const payeeEndpoint = await register(payee, { url: payeeHooks.url });
      const paymentId = await transfer(payer, from, to);
      const completed = await settled(api, payer, paymentId);

      for (const [hooks, endpoint] of [
        [payerHooks, payerEndpoint],
        [payeeHooks, payeeEndpoint],
      ] as const) {
        await hooks.until(() => hooks.about(paymentId).length === 2);
        const received = hooks.about(paymentId);
        expect(types(received)).toEqual(['payment.completed', 'payment.initiated']);
        for (const webhook of received) {
          expect(webhook.headers['content-type']).toBe('application/json');
          expect(webhook.headers['user-agent']).toMatch(/^billing-gateway-webhooks\//);
          expect(webhook.headers['billing-event-id']).toBe(webhook.body.id);
          expect(verifySignature(String(webhook.headers['billing-signature']), webhook.rawBody, endpoint.secret)).toBe(
            true,
          );
          expect(
            verifySignature(String(webhook.headers['billing-signature']), webhook.rawBody, 'whsec_someone_else'),
          ).toBe(false);
          expect(
            verifySignature(
              String(webhook.headers['billing-signature']),
              webhook.rawBody.replace('10.00', '99.00'),
              endpoint.secret,
            ),
          ).toBe(false);
          expect(new Date(webhook.body.createdAt).toISOString()).toBe(webhook.body.createdAt);
        }
        expect(received.find((r) => r.body.type === 'payment.completed')!.body.data).toEqual(completed);
        expect(received.find((r) => r.body.type === 'payment.initiated')!.body.data).toEqual({
          ...completed,
          status: 'INITIATED',
          processedAt: null,
        });
      }
      // One event, one id, whichever endpoint it goes to.
      expect(
        payerHooks
          .about(paymentId)
          .map((r) => r.body.id)
          .sort(),
      ).toEqual(
        payeeHooks
          .about(paymentId)
          .map((r) => r.body.id)
          .sort(),
      );
      // The outcome is written a moment after the receiver answers.
      const delivery = await deliveryUntil(
        payer,
        payerEndpoint,
        paymentId,
        (d) => d.type === 'payment.completed' && d.status !== 'PENDING',
      );
      expect(delivery).toEqual({
        id: expect.any(String),
        eventId: payerHooks.about(paymentId).find((r) => r.body.type === 'payment.completed')!.body.id,
        type: 'payment.completed',
        paymentId,
        status: 'SUCCEEDED',
        attempts: 1,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: expect.any(String),
        createdAt: expect.any(String),
      });
    });

    it("sends an administrator's endpoint every payment's events, a stranger's none, and honours an events filter", async () => {
      const { payer, payee, from, to } = await parties();
      const stranger = await registerUser(api);
      const [adminHooks, strangerHooks, filteredHooks] = await Promise.all([receiver(), receiver(), receiver()]);
      const adminEndpoint = await register(admin, { url: adminHooks.url });
      await register(stranger, { url: strangerHooks.url });
      await register(payee, { url: filteredHooks.url, events: ['payment.completed'] });
      const paymentId = await transfer(payer, from, to);
      await settled(api, payer, paymentId);

      await adminHooks.until(() => adminHooks.about(paymentId).length === 2);
      expect(types(adminHooks.about(paymentId))).toEqual(['payment.completed', 'payment.initiated']);
      await filteredHooks.until(() => filteredHooks.about(paymentId).length === 1);
      await sleep(500);
      expect(types(filteredHooks.about(paymentId))).toEqual(['payment.completed']);
      expect(strangerHooks.received).toEqual([]);
      await request(api.url).delete(`${API}/${adminEndpoint.id}`).set(admin.auth).expect(204);
    });

    it('sends nothing new to a disabled endpoint', async () => {
      const { payer, from, to } = await parties();
      const hooks = await receiver();
      const endpoint = await register(payer, { url: hooks.url });
      await request(api.url).patch(`${API}/${endpoint.id}`).set(payer.auth).send({ enabled: false }).expect(200);
      const paymentId = await transfer(payer, from, to);
      await settled(api, payer, paymentId);
      await sleep(700);
      expect(hooks.received).toEqual([]);
      expect(await deliveries(payer, endpoint)).toEqual([]);
    });

    it('signs with both secrets for 24 hours after a rotation, then with the new one alone', async () => {
      const { payer, from, to } = await parties();
      const hooks = await receiver();
      const endpoint = await register(payer, { url: hooks.url, events: ['payment.completed'] });
      const rotated = await request(api.url).post(`${API}/${endpoint.id}/rotate-secret`).set(payer.auth).expect(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(endpoint.secret);
      const expires = Date.parse(rotated.body.previousSecretExpiresAt);
      expect(Math.abs(expires - Date.now() - 24 * 3_600_000)).toBeLessThan(60_000);

      const during = await transfer(payer, from, to);
      await hooks.until(() => hooks.about(during).length === 1);
      const [signed] = hooks.about(during);
      const header = String(signed.headers['billing-signature']);
      expect(header.match(/v1=/g)).toHaveLength(2);
      expect(verifySignature(header, signed.rawBody, rotated.body.secret)).toBe(true);
      expect(verifySignature(header, signed.rawBody, endpoint.secret)).toBe(true);

      // As if the 24 hours had passed.
      await db.query(
        `UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`,
        [endpoint.id],
      );
      const after = await transfer(payer, from, to);
      await hooks.until(() => hooks.about(after).length === 1);
      const [late] = hooks.about(after);
      expect(String(late.headers['billing-signature']).match(/v1=/g)).toHaveLength(1);
      expect(verifySignature(String(late.headers['billing-signature']), late.rawBody, rotated.body.secret)).toBe(true);
      expect(verifySignature(String(late.headers['billing-signature']), late.rawBody, endpoint.secret)).toBe(false);
      const shown = await request(api.url).get(`${API}/${endpoint.id}`).set(payer.auth).expect(200);
      expect(shown.body.previousSecretExpiresAt).toBeNull();
    });
  });

  describe('retries', () => {
    async function oneEvent(answer: WebhookReceiver['answer']) {
      const { payer, from, to } = await parties();
      const hooks = await receiver();
      hooks.answer = answer;
      const endpoint = await register(payer, { url: hooks.url, events: ['payment.completed'] });
      const paymentId = await transfer(payer, from, to);
      return { payer, hooks, endpoint, paymentId };
    }

    it('retries a 500 and records the delivery SUCCEEDED after its second attempt', async () => {
      const { payer, hooks, endpoint, paymentId } = await oneEvent((_, i) => ({ status: i === 0 ? 500 : 200 }));
      const delivered = await deliveryUntil(payer, endpoint, paymentId, (d) => d.status === 'SUCCEEDED');
      expect(delivered).toMatchObject({ attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
      expect(hooks.about(paymentId)).toHaveLength(2);
      expect(hooks.received[0].body.id).toBe(hooks.received[1].body.id);
      expect(hooks.received[0].rawBody).toBe(hooks.received[1].rawBody);
    });

    it('waits as long as a 429 asks in Retry-After', async () => {
      const { payer, hooks, endpoint, paymentId } = await oneEvent((_, i) =>
        i === 0 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 200 },
      );
      const pending = await deliveryUntil(payer, endpoint, paymentId, (d) => d.attempts === 1);
      expect(pending).toMatchObject({ status: 'PENDING', lastStatusCode: 429, lastError: 'answered HTTP 429' });
      await deliveryUntil(payer, endpoint, paymentId, (d) => d.status === 'SUCCEEDED');
      const [first, second] = hooks.received;
      expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1900);
    });

    it('fails a 400 at once, without retrying', async () => {
      const { payer, hooks, endpoint, paymentId } = await oneEvent(() => ({ status: 400 }));
      const failed = await deliveryUntil(payer, endpoint, paymentId, (d) => d.status === 'FAILED');
      expect(failed).toMatchObject({ attempts: 1, lastStatusCode: 400, nextAttemptAt: null, deliveredAt: null });
      await sleep(1000);
      expect(hooks.received).toHaveLength(1);
    });

    it('treats a redirect as a failure and does not follow it', async () => {
      const { payer, hooks, endpoint, paymentId } = await oneEvent(() => ({
        status: 307,
        headers: { Location: 'http://169.254.169.254/' },
      }));
      const failed = await deliveryUntil(payer, endpoint, paymentId, (d) => d.status === 'FAILED');
      expect(failed).toMatchObject({ attempts: 1, lastStatusCode: 307 });
      expect(hooks.received).toHaveLength(1);
    });

    it('retries a receiver that does not answer within WEBHOOK_TIMEOUT_MS', async () => {
      const { payer, endpoint, paymentId } = await oneEvent((_, i) => (i === 0 ? 'hang' : { status: 200 }));
      const pending = await deliveryUntil(payer, endpoint, paymentId, (d) => d.attempts === 1);
      expect(pending).toMatchObject({ status: 'PENDING', lastStatusCode: null, lastError: 'no answer within 1000 ms' });
      await deliveryUntil(payer, endpoint, paymentId, (d) => d.status === 'SUCCEEDED' && d.attempts === 2);
    });

    it('gives up after WEBHOOK_MAX_ATTEMPTS, and a manual retry tries once more', async () => {
      let healthy = false;
      const { payer, hooks, endpoint, paymentId } = await oneEvent(() => ({ status: healthy ? 200 : 503 }));
      const failed = await deliveryUntil(payer, endpoint, paymentId, (d) => d.status === 'FAILED');
      expect(failed).toMatchObject({ attempts: 4, lastStatusCode: 503 });
      expect(hooks.received).toHaveLength(4);

      healthy = true;
      const retried = await request(api.url)
        .post(`${API}/${endpoint.id}/deliveries/${failed.id}/retry`)
        .set(payer.auth)
        .expect(202);
      expect(retried.body).toMatchObject({ id: failed.id, status: 'PENDING', attempts: 4 });
      const delivered = await deliveryUntil(payer, endpoint, paymentId, (d) => d.status === 'SUCCEEDED');
      expect(delivered.attempts).toBe(5);

      // A delivered one is sent again.
      await request(api.url).post(`${API}/${endpoint.id}/deliveries/${failed.id}/retry`).set(payer.auth).expect(202);
      await hooks.until((received) => received.length === 6);
      expect(hooks.received[5].body.id).toBe(hooks.received[0].body.id);
      await request(api.url).post(`${API}/${endpoint.id}/deliveries/${endpoint.id}/retry`).set(payer.auth).expect(404);
    });
  });

  describe('crashes', () => {
    it('delivers, through a new worker, events committed while no worker ran', async () => {
      const { payer, from, to } = await parties();
      const hooks = await receiver();
      await register(payer, { url: hooks.url });
      await worker.kill();
      const paymentId = await transfer(payer, from, to);
      const recorded = await db.query(`SELECT type FROM webhook_events WHERE payment_id = $1`, [paymentId]);
      expect(recorded).toEqual([{ type: 'payment.initiated' }]);
      await sleep(300);
      expect(hooks.received).toEqual([]);

      worker = await startWorkerProcess(stack.workerEnv(WEBHOOK_ENV));
      await hooks.until(() => hooks.about(paymentId).length === 2);
      expect(types(hooks.about(paymentId))).toEqual(['payment.completed', 'payment.initiated']);
    });

    it('delivers again, through a new worker, what a worker killed mid-delivery was sending', async () => {
      const { payer, from, to } = await parties();
      const hooks = await receiver();
      hooks.answer = (_, i) => (i === 0 ? 'hang' : { status: 200 });
      const endpoint = await register(payer, { url: hooks.url, events: ['payment.completed'] });
      const paymentId = await transfer(payer, from, to);
      await hooks.until(() => hooks.received.length === 1);
      await worker.kill();

      worker = await startWorkerProcess(stack.workerEnv(WEBHOOK_ENV));
      await hooks.until(() => hooks.received.length === 2, 40_000);
      expect(hooks.received[1].body.id).toBe(hooks.received[0].body.id);
      await deliveryUntil(payer, endpoint, paymentId, (d) => d.status === 'SUCCEEDED');
    });

    it('refuses, at delivery, an address the worker does not allow, whatever was allowed at registration', async () => {
      const { payer, from, to } = await parties();
      const hooks = await receiver();
      const endpoint = await register(payer, { url: hooks.url, events: ['payment.completed'] });
      await worker.kill();
      worker = await startWorkerProcess(stack.workerEnv({ ...WEBHOOK_ENV, WEBHOOK_ALLOW_INSECURE: 'false' }));
      const paymentId = await transfer(payer, from, to);
      const refused = await deliveryUntil(payer, endpoint, paymentId, (d) => d.attempts >= 1);
      expect(refused).toMatchObject({
        status: 'PENDING',
        lastStatusCode: null,
        lastError: expect.stringContaining('127.0.0.1 is not a public address'),
      });
      expect(hooks.received).toEqual([]);
      await worker.kill();
      worker = await startWorkerProcess(stack.workerEnv(WEBHOOK_ENV));
    });
  });
});
