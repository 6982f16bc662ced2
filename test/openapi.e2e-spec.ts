import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { startApp, type RunningApp } from './support/harness.js';
import { ADMIN_ENV, loginAdmin, type TestUser } from './support/users.js';

const committed = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8'));
const insomnia = JSON.parse(readFileSync(new URL('../billing-gateway.json', import.meta.url), 'utf8')) as {
  resources: InsomniaResource[];
};
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

interface InsomniaResource {
  _id: string;
  _type: string;
  parentId: string | null;
  method?: string;
  url?: string;
  body?: { text?: string };
  data?: Record<string, string>;
}

/** Every endpoint of API.md, as `METHOD path` with OpenAPI path parameters. */
const CONTRACT = [
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/confirm',
  'POST /api/v1/auth/confirm/resend',
  'POST /api/v1/auth/login',
  'GET /api/v1/auth/tokens',
  'DELETE /api/v1/auth/tokens/{id}',
  'POST /api/v1/auth/logout',
  'GET /api/v1/users/me',
  'POST /api/v1/api-keys',
  'GET /api/v1/api-keys',
  'DELETE /api/v1/api-keys/{id}',
  'POST /api/v1/accounts',
  'GET /api/v1/accounts',
  'GET /api/v1/accounts/{id}',
  'GET /api/v1/accounts/{id}/operations',
  'GET /api/v1/admin/ledger/check',
  'POST /api/v1/payments',
  'POST /api/v1/withdrawals',
  'POST /api/v1/deposits',
  'POST /api/v1/payments/{id}/refunds',
  'GET /api/v1/payments/{id}',
  'GET /api/v1/payments',
  'POST /api/v1/admin/sweep',
  'GET /api/v1/rates',
  'PUT /api/v1/admin/rates/{from}/{to}',
];

type Operation = {
  operationId: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; schema?: object }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
};
type Schema = { properties: Record<string, { type?: string | string[]; pattern?: string }>; required?: string[] };

let running: RunningApp;
let admin: TestUser;

beforeAll(async () => {
  running = await startApp(undefined, { env: ADMIN_ENV });
  admin = await loginAdmin(running);
});
afterAll(() => running.close());

describe('OpenAPI document', () => {
  let served: {
    openapi: string;
    tags: Array<{ name: string }>;
    paths: Record<string, Record<string, Operation>>;
    webhooks: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };

  beforeAll(async () => {
    served = (await request(running.url).get('/docs-json').expect(200)).body;
  });

  const operations = () =>
    Object.entries(served.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  it('serves at /docs-json exactly the committed openapi.json (npm run openapi regenerates it)', () => {
    expect(served).toEqual(committed);
  });

  it('documents every /api/v1 endpoint of the contract', () => {
    expect(
      operations()
        .map((o) => o.key)
        .sort(),
    ).toEqual(expect.arrayContaining(CONTRACT));
  });

  it('documents every error answer as application/problem+json, 500 and 503 included', () => {
    for (const { key, op } of operations()) {
      const errors = Object.keys(op.responses).filter((status) => Number(status) >= 400);
      expect({ key, errors }).toEqual({
        key,
        errors: expect.arrayContaining(['401', '500', '503'].filter((s) => s !== '401' || op.security?.length !== 0)),
      });
      for (const status of errors)
        expect({ key, status, types: Object.keys(op.responses[status].content ?? {}) }).toEqual({
          key,
          status,
          types: ['application/problem+json'],
        });
    }
  });

  it('asks for the bearer token everywhere but register, confirm and login', () => {
    const open = operations()
      .filter(({ op }) => op.security?.length === 0)
      .map((o) => o.key)
      .sort();
    expect(open).toEqual(['POST /api/v1/auth/confirm', 'POST /api/v1/auth/login', 'POST /api/v1/auth/register']);
  });

  it('says in the bearer scheme that API keys are sent the same way', () => {
    const schemes = (served as unknown as { components: { securitySchemes: Record<string, { description: string }> } })
      .components.securitySchemes;
    expect(schemes.bearer.description).toMatch(/bgk_/);
  });

  it('documents the API key, shown once, and lists without it', () => {
    expect(Object.keys(served.components.schemas.CreatedApiKeyDto.properties).sort()).toEqual([
      'createdAt',
      'id',
      'key',
      'lastUsedAt',
      'name',
      'prefix',
      'readOnly',
    ]);
    expect(Object.keys(served.components.schemas.ApiKeyDto.properties)).not.toContain('key');
  });

  it('documents the Idempotency-Key header on the payment creations', () => {
    for (const key of [
      'POST /api/v1/payments',
      'POST /api/v1/withdrawals',
      'POST /api/v1/deposits',
      'POST /api/v1/payments/{id}/refunds',
    ]) {
      const op = operations().find((o) => o.key === key)?.op;
      expect(op?.parameters?.filter((p) => p.in === 'header').map((p) => p.name)).toEqual(['Idempotency-Key']);
    }
  });

  it('documents every field of a list as flat field and field[op] filters next to sort, limit and cursor', () => {
    const names = operations()
      .find((o) => o.key === 'GET /api/v1/payments')
      ?.op.parameters?.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        ...Object.keys(served.components.schemas.PaymentDto.properties),
        'sort',
        'limit',
        'cursor',
      ]),
    );
    expect(names).toEqual(
      expect.arrayContaining(['amount[gte]', 'amount[in]', 'createdAt[lt]', 'status[ne]', 'status[in]']),
    );
    expect(names).not.toContain('status[gt]'); // an enum compares only for (in)equality
  });

  it('gives no query or header parameter an example, which "Try it out" would send', () => {
    const exampled = operations().flatMap(({ key, op }) =>
      (op.parameters ?? [])
        .filter((p) => p.in !== 'path' && ('example' in p || 'example' in (p.schema ?? {})))
        .map((p) => `${key} ${p.name}`),
    );
    expect(exampled).toEqual([]);
  });

  it('documents money as a string with a pattern, never a number', () => {
    for (const [schema, field] of [
      ['PaymentDto', 'amount'],
      ['PaymentDto', 'commission'],
      ['AccountDto', 'balance'],
      ['OperationDto', 'amount'],
      ['CreateTransferDto', 'amount'],
    ]) {
      const property = served.components.schemas[schema].properties[field];
      expect({ schema, field, type: property.type, pattern: typeof property.pattern }).toEqual({
        schema,
        field,
        type: 'string',
        pattern: 'string',
      });
    }
  });

  it('marks optional what the api takes without: the bodies of capture, refund and sweep, and their amount and age', async () => {
    for (const key of [
      'POST /api/v1/payments/{id}/capture',
      'POST /api/v1/payments/{id}/refunds',
      'POST /api/v1/admin/sweep',
    ]) {
      const op = operations().find((o) => o.key === key)!.op;
      const schema =
        served.components.schemas[op.requestBody!.content['application/json'].schema.$ref!.split('/').at(-1)!];
      expect({ key, bodyRequired: op.requestBody!.required ?? false, required: schema.required ?? [] }).toEqual({
        key,
        bodyRequired: false,
        required: [],
      });
    }
    await request(running.url).post('/api/v1/admin/sweep').set(admin.auth).expect(200);
    const refund = await request(running.url).post(`/api/v1/payments/${randomUUID()}/refunds`).set(admin.auth);
    const capture = await request(running.url).post(`/api/v1/payments/${randomUUID()}/capture`).set(admin.auth);
    expect([refund.status, capture.status]).toEqual([404, 404]); // the body was accepted; the payment is unknown
  });

  it('names each operation as an SDK method, verb then noun (createTransfer, listPayments), once', () => {
    const ids = operations().map(({ key, op }) => ({ key, id: op.operationId }));
    expect(ids.filter(({ id }) => !/^[a-z]+(?:[A-Z][a-z]*)+$/.test(id))).toEqual([]);
    expect(new Set(ids.map(({ id }) => id)).size).toBe(ids.length);
    const byKey = Object.fromEntries(ids.map(({ key, id }) => [key, id]));
    expect(byKey).toMatchObject({
      'POST /api/v1/payments': 'createTransfer',
      'GET /api/v1/payments': 'listPayments',
      'GET /api/v1/payments/{id}': 'getPayment',
    });
    // A collection (it takes a cursor) is listed, anything else is not.
    for (const { key, op } of operations()) {
      const lists = (op.parameters ?? []).some((p) => p.name === 'cursor');
      expect({ key, id: op.operationId, list: op.operationId.startsWith('list') }).toEqual({
        key,
        id: op.operationId,
        list: lists,
      });
    }
  });

  it('declares every tag an operation or a webhook uses', () => {
    const declared = served.tags.map((t) => t.name);
    const used = [
      ...operations().map(({ op }) => op),
      ...Object.values(served.webhooks).flatMap((item) => Object.values(item)),
    ].flatMap((op) => op.tags ?? []);
    expect([...new Set(used)].filter((tag) => !declared.includes(tag))).toEqual([]);
    expect(declared).toContain('webhooks');
  });

  it('documents, as OpenAPI 3.1 webhooks, the body every payment, account and payment group event is sent with', () => {
    expect(served.openapi).toBe('3.1.0');
    const events = [
      'payment.initiated',
      'payment.authorized',
      'payment.completed',
      'payment.failed',
      'payment.voided',
      'payment.expired',
      'account.frozen',
      'account.unfrozen',
      'account.closed',
      'payment_group.completed',
      'payment_group.failed',
    ];
    const subject: Record<string, string> = {
      payment: 'PaymentDto',
      account: 'AccountDto',
      payment_group: 'PaymentGroupDto',
    };
    expect(Object.keys(served.webhooks).sort()).toEqual([...events].sort());
    for (const event of events) {
      const op = served.webhooks[event].post;
      const schema = JSON.stringify(op.requestBody!.content['application/json'].schema);
      expect(schema).toContain('#/components/schemas/WebhookEventDto');
      expect(schema).toContain(`"#/components/schemas/${subject[event.slice(0, event.indexOf('.'))]}"`);
      expect(op.parameters!.map((p) => p.name)).toEqual(
        expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'Billing-Signature']),
      );
    }
    expect(Object.keys(served.components.schemas.WebhookEventDto.properties).sort()).toEqual([
      'createdAt',
      'data',
      'id',
      'type',
    ]);
    // A webhook's body and GET /events alike: the data is a payment, an account or a payment group.
    for (const model of ['WebhookEventDto', 'EventDto'])
      expect(served.components.schemas[model].properties.data).toMatchObject({
        oneOf: Object.values(subject).map((name) => ({ $ref: `#/components/schemas/${name}` })),
      });
  });
});

describe('Insomnia export (billing-gateway.json)', () => {
  const requests = insomnia.resources.filter((r) => r._type === 'request');
  const environment = insomnia.resources.find((r) => r._type === 'environment')!.data!;

  it('puts every request in a folder it exports (or the workspace), none with a missing parent', () => {
    const parents = new Set(
      insomnia.resources.filter((r) => r._type === 'request_group' || r._type === 'workspace').map((r) => r._id),
    );
    expect(requests.filter((r) => !parents.has(r.parentId!)).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(requests.filter((r) => r.url!.includes('webhook-endpoints')).map((r) => r.parentId)).toEqual(
      expect.arrayContaining(['fld_webhooks']),
    );
  });

  it("logs in with the quick start's administrator, and has one variable per kind of id, each defined", () => {
    const quickStart = /ADMIN_EMAIL=(\S+) ADMIN_PASSWORD=(\S+) npm start/.exec(readme)!;
    expect({ email: environment.email, password: environment.password }).toEqual({
      email: quickStart[1],
      password: quickStart[2],
    });
    const used = new Set(requests.flatMap((r) => [...r.url!.matchAll(/\{\{ _\.(\w+) \}\}/g)].map((m) => m[1])));
    expect([...used].filter((name) => !(name in environment))).toEqual([]);
    expect(used.has('id')).toBe(false);
    expect([...used]).toEqual(
      expect.arrayContaining([
        'account_id',
        'payment_id',
        'webhook_endpoint_id',
        'delivery_id',
        'api_key_id',
        'token_id',
      ]),
    );
  });

  it('has sample bodies the api accepts as they stand', async () => {
    const SCHEMA_CODES = [
      'VALIDATION_FAILED',
      'INVALID_JSON',
      'INVALID_AMOUNT',
      'UNSUPPORTED_CURRENCY',
      'INVALID_RATE',
    ];
    const withBodies = requests.filter((r) => r.body?.text);
    expect(withBodies.length).toBeGreaterThan(10);
    for (const sample of withBodies) {
      const variables: Record<string, string> = { ...environment, email: admin.email, password: admin.password };
      const fill = (text: string) =>
        text.replace(/\{\{ _\.(\w+) \}\}/g, (_, name: string) => variables[name] || randomUUID());
      const path = fill(sample.url!).replace(/^.*?(?=\/api\/v1\/)/, '');
      const req = request(running.url)
        [sample.method!.toLowerCase() as 'post' | 'put' | 'patch'](path)
        .set(admin.auth)
        .set('Content-Type', 'application/json');
      const res = await req.send(fill(sample.body!.text!));
      // The sample's host is not resolvable here, which is not the body's fault.
      const offline = res.body.code === 'INVALID_WEBHOOK_URL' && /does not resolve/.test(res.body.detail);
      const refused = res.status === 400 && SCHEMA_CODES.includes(res.body.code) && !offline;
      expect({ request: `${sample.method} ${path}`, refused: refused ? res.body.detail : false }).toEqual({
        request: `${sample.method} ${path}`,
        refused: false,
      });
    }
  });
});
