import { getDataSourceToken } from '@nestjs/typeorm';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { startApp, type RunningApp } from './support/harness.js';
import { deposit, openAccount, settled } from './support/money.js';
import { type RunningProcess, startWorkerProcess } from './support/processes.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from './support/users.js';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const LIMIT = 3;
const WEBHOOK_ENV = {
  WEBHOOK_ALLOW_INSECURE: 'true',
  WEBHOOK_POLL_INTERVAL_MS: '200',
  WEBHOOK_MAX_ENDPOINTS_PER_USER: String(LIMIT),
};
const API = '/api/v1/webhook-endpoints';

/**
 * The webhook endpoints' contract as an outsider attacked it: the limit, what an API key may do,
 * `null` in a PATCH, a PATCH racing a DELETE, and deliveries that the Standard Webhooks library
 * verifies and the OpenAPI document's `webhooks` describe.
 */
describe('webhook endpoints: limits, credentials and the delivered contract', () => {
  let api: RunningApp;
  let db: DataSource;
  let admin: TestUser;

  beforeAll(async () => {
    api = await startApp(undefined, { env: { ...ADMIN_ENV, ...WEBHOOK_ENV } });
    db = api.app.get<DataSource>(getDataSourceToken());
    admin = await loginAdmin(api);
  });
  afterAll(async () => {
    // Later suites share the database: no endpoint of ours may hear of their payments.
    await db.query(`DELETE FROM webhook_endpoints`);
    await api.close();
  });

  const register = (user: TestUser, body: object = { url: 'http://127.0.0.1:9/hooks' }) =>
    request(api.url).post(API).set(user.auth).send(body);
  const endpointsOf = async (user: TestUser) =>
    (await request(api.url).get(API).set(user.auth).expect(200)).body.data as Array<Record<string, unknown>>;

  describe('WEBHOOK_MAX_ENDPOINTS_PER_USER', () => {
    it('refuses an endpoint past the limit with 422 TOO_MANY_WEBHOOK_ENDPOINTS, also when registrations race', async () => {
      const user = await registerUser(api);
      const answers = await Promise.all(Array.from({ length: LIMIT + 5 }, () => register(user)));
      expect(answers.map((res) => res.status).sort()).toEqual([...Array(LIMIT).fill(201), ...Array(5).fill(422)]);
      const refused = answers.find((res) => res.status === 422)!;
      expect(refused.body).toMatchObject({ status: 422, code: 'TOO_MANY_WEBHOOK_ENDPOINTS' });
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await endpointsOf(user)).toHaveLength(LIMIT);

      // Another user's endpoints are their own count; one deleted frees a place.
      expect((await register(await registerUser(api))).status).toBe(201);
      await request(api.url)
        .delete(`${API}/${answers.find((res) => res.status === 201)!.body.id}`)
        .set(user.auth)
        .expect(204);
      expect((await register(user)).status).toBe(201);
      expect((await register(user)).status).toBe(422);
    });
  });

  describe('credentials', () => {
    it('takes a login to create, change, rotate or delete an endpoint: an API key, even a full one, gets 403 and changes nothing', async () => {
      const user = await registerUser(api);
      const endpoint = (await register(user).expect(201)).body;
      const key = async (readOnly: boolean) =>
        (await request(api.url).post('/api/v1/api-keys').set(user.auth).send({ name: 'shop', readOnly }).expect(201))
          .body.key as string;
      const before = await endpointsOf(user);
      for (const apiKey of [await key(false), await key(true)]) {
        const auth = { Authorization: `Bearer ${apiKey}` };
        for (const call of [
          request(api.url).post(API).send({ url: 'http://127.0.0.1:9/by-key' }),
          request(api.url).patch(`${API}/${endpoint.id}`).send({ url: 'http://127.0.0.1:9/elsewhere' }),
          request(api.url).post(`${API}/${endpoint.id}/rotate-secret`),
          request(api.url).delete(`${API}/${endpoint.id}`),
        ]) {
          const res = await call.set(auth);
          expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
        }
        // A key still reads them.
        expect((await request(api.url).get(API).set(auth).expect(200)).body.data).toEqual(before);
        await request(api.url).get(`${API}/${endpoint.id}`).set(auth).expect(200);
        await request(api.url).get(`${API}/${endpoint.id}/deliveries`).set(auth).expect(200);
      }
      expect(await endpointsOf(user)).toEqual(before);
    });
  });

  describe('PATCH', () => {
    it('clears the description with null, and refuses null for url, events and enabled with 400 VALIDATION_FAILED, changing nothing', async () => {
      const user = await registerUser(api);
      const endpoint = (
        await register(user, {
          url: 'http://127.0.0.1:9/a',
          description: 'orders',
          events: ['payment.completed'],
        }).expect(201)
      ).body;
      const shown = async () => (await request(api.url).get(`${API}/${endpoint.id}`).set(user.auth).expect(200)).body;
      const before = await shown();
      for (const field of ['url', 'events', 'enabled']) {
        const res = await request(api.url)
          .patch(`${API}/${endpoint.id}`)
          .set(user.auth)
          .send({ [field]: null });
        expect({
          field,
          status: res.status,
          code: res.body.code,
          fields: res.body.errors?.map((e: { field: string }) => e.field),
        }).toEqual({
          field,
          status: 400,
          code: 'VALIDATION_FAILED',
          fields: expect.arrayContaining([field]),
        });
      }
      expect(await shown()).toEqual(before);

      const cleared = await request(api.url)
        .patch(`${API}/${endpoint.id}`)
        .set(user.auth)
        .send({ description: null })
        .expect(200);
      expect(cleared.body).toMatchObject({
        url: 'http://127.0.0.1:9/a',
        events: ['payment.completed'],
        enabled: true,
        description: null,
      });
      const kept = await request(api.url)
        .patch(`${API}/${endpoint.id}`)
        .set(user.auth)
        .send({ enabled: false })
        .expect(200);
      expect(kept.body.description).toBeNull();
    });

    it('answers 404, never 500, to a PATCH that races the DELETE of its endpoint', async () => {
      const user = await registerUser(api);
      const statuses: number[] = [];
      for (let race = 0; race < 30; race++) {
        const endpoint = (await register(user).expect(201)).body;
        const [patched, deleted] = await Promise.all([
          request(api.url)
            .patch(`${API}/${endpoint.id}`)
            .set(user.auth)
            .send({ description: `race ${race}` }),
          request(api.url).delete(`${API}/${endpoint.id}`).set(user.auth),
        ]);
        expect(deleted.status).toBe(204);
        statuses.push(patched.status);
        if (patched.status === 404) expect(patched.body.code).toBe('NOT_FOUND');
      }
      expect(statuses.filter((status) => status !== 200 && status !== 404)).toEqual([]);
    });
  });

  describe('a delivery', () => {
    let worker: RunningProcess;
    let receiver: WebhookReceiver;

    beforeAll(async () => {
      [worker, receiver] = await Promise.all([
        startWorkerProcess({ ...ADMIN_ENV, ...WEBHOOK_ENV, SWEEP_INTERVAL_MS: '3600000', LOG_LEVEL: 'silent' }),
        startReceiver(),
      ]);
    });
    afterAll(async () => {
      await worker?.kill();
      await receiver?.close();
    });

    it("is verified by the standardwebhooks library with the secret as shown, and is what the OpenAPI document's webhooks describe", async () => {
      const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
      const [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee)]);
      await deposit(api, admin, from, '50.00');
      const endpoint = (await register(payer, { url: receiver.url }).expect(201)).body;
      expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const paid = await request(api.url)
        .post('/api/v1/payments')
        .set(payer.auth)
        .send({ fromAccountId: from, toAccountId: to, amount: '10.00' })
        .expect(202);
      await settled(api, payer, paid.body.id);
      const received = await receiver
        .until(() => receiver.about(paid.body.id).length === 2)
        .then(() => receiver.about(paid.body.id));

      const docs = (await request(api.url).get('/docs-json').expect(200)).body;
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema({ $id: 'openapi', components: docs.components }, 'openapi');
      const schemaRef = (schema: object) =>
        JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));

      for (const webhook of received) {
        const verified = new Webhook(endpoint.secret).verify(
          webhook.rawBody,
          webhook.headers as Record<string, string>,
        );
        expect(verified).toEqual(webhook.body);
        expect(() =>
          new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(
            webhook.rawBody,
            webhook.headers as Record<string, string>,
          ),
        ).toThrow();
        expect(webhook.headers['webhook-id']).toBe(webhook.body.id);

        const operation = docs.webhooks[webhook.body.type].post;
        const validate = ajv.compile(schemaRef(operation.requestBody.content['application/json'].schema));
        expect({ type: webhook.body.type, errors: validate(webhook.body) ? [] : validate.errors }).toEqual({
          type: webhook.body.type,
          errors: [],
        });
        // Nothing is sent that the document leaves out.
        expect(Object.keys(webhook.body).sort()).toEqual(
          Object.keys(docs.components.schemas.WebhookEventDto.properties).sort(),
        );
        expect(Object.keys(webhook.body.data).sort()).toEqual(
          Object.keys(docs.components.schemas.PaymentDto.properties).sort(),
        );
        const documentedHeaders = operation.parameters
          .filter((p: { in: string }) => p.in === 'header')
          .map((p: { name: string }) => p.name.toLowerCase());
        for (const name of documentedHeaders)
          expect({ name, sent: typeof webhook.headers[name] }).toEqual({ name, sent: 'string' });
      }
      expect(received.map((r) => r.body.type).sort()).toEqual(['payment.completed', 'payment.initiated']);
    });

    it('is verified with the rotated-out secret too while it still signs', async () => {
      const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
      const [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee)]);
      await deposit(api, admin, from, '50.00');
      const endpoint = (await register(payer, { url: receiver.url, events: ['payment.completed'] }).expect(201)).body;
      const rotated = (await request(api.url).post(`${API}/${endpoint.id}/rotate-secret`).set(payer.auth).expect(200))
        .body;
      const paid = await request(api.url)
        .post('/api/v1/payments')
        .set(payer.auth)
        .send({ fromAccountId: from, toAccountId: to, amount: '1.00' })
        .expect(202);
      const [webhook] = await receiver
        .until(() => receiver.about(paid.body.id).length === 1)
        .then(() => receiver.about(paid.body.id));
      expect(String(webhook.headers['webhook-signature']).split(' ')).toHaveLength(2);
      for (const secret of [rotated.secret, endpoint.secret]) {
        expect(new Webhook(secret).verify(webhook.rawBody, webhook.headers as Record<string, string>)).toEqual(
          webhook.body,
        );
      }
    });
  });
});
