import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import fc from 'fast-check';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { startApp, type RunningApp } from '../support/harness.js';
import { openAccount } from '../support/money.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from '../support/users.js';

/**
 * Property-based fuzzing of every body and every list query the OpenAPI document describes
 * (OWASP API8, API4): whatever arrives, the answer is never a 5xx, and a 4xx changes nothing.
 */

type Schema = { type?: string; properties?: Record<string, Schema>; enum?: string[]; format?: string };
type Parameter = { name: string; in: string; schema: Schema };
type Operation = {
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  parameters?: Parameter[];
};

const BODY_RUNS = 100;
const QUERY_RUNS = 120;

const uuid = fc.uuid();
const isoDate = fc
  .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString());
const moneyish = fc.oneof(
  fc.stringMatching(/^-?[0-9]{0,18}(\.[0-9]{0,5})?$/),
  fc.constantFrom(
    '0',
    '0.00',
    '1e3',
    'NaN',
    'Infinity',
    '-0',
    '+1',
    ' 1',
    '1.',
    '.5',
    '007',
    '999999999999999.99',
    '9999999999999999',
  ),
);
const nasty = fc.constantFrom(
  "' OR 1=1 --",
  '"; DROP TABLE payments; --',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '${7*7}',
  '<script>',
  '🙂'.repeat(50),
  'x'.repeat(300),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  uuid,
  isoDate,
  moneyish,
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const jsonValue = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });

describe('fuzzing bodies and list queries', () => {
  let api: RunningApp;
  let db: DataSource;
  let admin: TestUser;
  let user: TestUser;
  let userAccount: string;
  let payeeAccount: string;
  let docs: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

  beforeAll(async () => {
    // Own limiter counters: the administrator's logins here must not use up the other files' per-e-mail budget.
    api = await startApp(undefined, {
      env: {
        ...ADMIN_ENV,
        LOGIN_LIMIT_PER_EMAIL: '100000',
        LOGIN_LIMIT_PER_IP: '100000',
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-fuzz`,
      },
    });
    db = api.app.get<DataSource>(getDataSourceToken());
    admin = await loginAdmin(api);
    user = await registerUser(api);
    userAccount = await openAccount(api, user);
    payeeAccount = await openAccount(api, await registerUser(api));
    await request(api.url)
      .post('/api/v1/deposits')
      .set(admin.auth)
      .send({ accountId: userAccount, amount: '100.00', externalRef: `fuzz-${randomUUID()}` })
      .expect(202);
    await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);
    docs = (await request(api.url).get('/docs-json').expect(200)).body;
  });
  afterAll(() => api.close());

  const operations = () =>
    Object.entries(docs.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ method, path, op, key: `${method.toUpperCase()} ${path}` })),
    );

  /** Everything a request could change, read straight from the database. */
  async function state() {
    const [row] = await db.query(`
      SELECT (SELECT count(*) FROM users) AS users,
             (SELECT count(*) FROM access_tokens) AS tokens,
             (SELECT count(*) FROM accounts) AS accounts,
             (SELECT count(*) FROM payments) AS payments,
             (SELECT count(*) FROM operations) AS operations,
             (SELECT coalesce(sum(balance), 0)::text FROM accounts WHERE type = 'USER') AS "userBalances",
             (SELECT count(*) FROM fx_rates) AS rates,
             (SELECT string_agg(status || ':' || count, ',' ORDER BY status) FROM (SELECT status, count(*) FROM payments GROUP BY status) s) AS statuses`);
    return row as Record<string, string>;
  }

  /** Plausible ids and values first, so that fuzzing also reaches past validation into the handlers. */
  const fieldValue = (name: string, schema: Schema) => {
    const plausible: Record<string, fc.Arbitrary<unknown>> = {
      fromAccountId: fc.constantFrom(userAccount, payeeAccount),
      toAccountId: fc.constantFrom(userAccount, payeeAccount),
      accountId: fc.constantFrom(userAccount, payeeAccount),
      amount: moneyish,
      rate: moneyish,
      currency: fc.constantFrom('USD', 'EUR', 'JPY', 'usd', 'XXX', ''),
      email: fc.oneof(fc.emailAddress(), fc.string()),
      olderThanMs: fc.oneof(fc.integer(), fc.constant(3_600_000)),
    };
    const text = fc.oneof(fc.string({ maxLength: 300 }), nasty);
    return fc.oneof(
      { weight: 3, arbitrary: plausible[name] ?? (schema.enum ? fc.constantFrom(...schema.enum) : text) },
      { weight: 1, arbitrary: jsonValue },
    );
  };

  const bodyOf = (schema: Schema) => {
    const fields = Object.entries(schema.properties ?? {});
    const known = fc.record(Object.fromEntries(fields.map(([name, s]) => [name, fieldValue(name, s)])), {
      requiredKeys: [],
    });
    const extra = fc.dictionary(
      fc.oneof(fc.constantFrom('role', 'balance', 'status', 'userId', 'commission'), fc.string({ maxLength: 10 })),
      jsonValue,
      { maxKeys: 2 },
    );
    return fc.oneof(
      { weight: 6, arbitrary: known },
      { weight: 1, arbitrary: fc.tuple(known, extra).map(([a, b]) => ({ ...b, ...a })) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    );
  };

  it('answers every generated POST/PUT body with a non-5xx, and a 4xx changes nothing', async () => {
    const writes = operations().filter(({ op }) => op.requestBody);
    expect(writes.length).toBeGreaterThanOrEqual(9);
    for (const { method, path, op, key } of writes) {
      const schema = docs.components.schemas[op.requestBody!.content['application/json'].schema.$ref.split('/').pop()!];
      const caller = path.startsWith('/api/v1/admin/') || key === 'POST /api/v1/deposits' ? admin : user;
      const url = path.replace('{from}', 'USD').replace('{to}', 'EUR');
      await fc.assert(
        fc.asyncProperty(
          bodyOf(schema),
          fc.option(fc.string({ minLength: 0, maxLength: 300 }), { nil: undefined }),
          async (body, idempotencyKey) => {
            const before = await state();
            let req = request(api.url)[method as 'post' | 'put'](url).set(caller.auth).timeout(10_000);
            if (idempotencyKey !== undefined && op.parameters?.some((p) => p.name === 'Idempotency-Key'))
              req = req.set('Idempotency-Key', idempotencyKey);
            const res = await req.set('Content-Type', 'application/json').send(JSON.stringify(body));
            expect({ key, body, status: res.status < 500 ? 'not 5xx' : res.status }).toEqual({
              key,
              body,
              status: 'not 5xx',
            });
            if (res.status >= 400) {
              expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
              expect({ key, body, state: await state() }).toEqual({ key, body, state: before });
            }
          },
        ),
        { numRuns: BODY_RUNS },
      );
    }
  });

  const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'like', 'regex', '', '$ne'];

  const queryOf = (parameters: Parameter[]) => {
    const filters = parameters.filter((p) => p.in === 'query' && !['sort', 'limit', 'cursor'].includes(p.name));
    const value = (p?: Parameter) => {
      const enumValues = Object.values(p?.schema.properties ?? {}).flatMap((s) => s.enum ?? []);
      const uuids = Object.values(p?.schema.properties ?? {}).some((s) => s.format === 'uuid');
      return fc.oneof(
        scalar.map(String),
        enumValues.length ? fc.constantFrom(...enumValues) : isoDate,
        uuids ? fc.constantFrom(userAccount, payeeAccount) : moneyish,
        fc.array(scalar.map(String), { maxLength: 3 }).map((v) => v.join(',')),
      );
    };
    const filter = fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...filters),
          fc.string({ maxLength: 8 }).map((name) => ({ name, in: 'query', schema: {} })),
        ),
        fc.constantFrom(...OPS),
      )
      .chain(([p, op]) =>
        value(p).map((v) => `${encodeURIComponent(p.name)}${op ? `[${op}]` : ''}=${encodeURIComponent(v)}`),
      );
    const names = filters.map((p) => p.name);
    const sort = fc
      .array(fc.tuple(fc.boolean(), fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 }))), {
        minLength: 1,
        maxLength: 3,
      })
      .map((fs) => `sort=${encodeURIComponent(fs.map(([desc, f]) => `${desc ? '-' : ''}${f}`).join(','))}`);
    const limit = fc
      .oneof(fc.integer({ min: -5, max: 500 }).map(String), fc.string({ maxLength: 5 }))
      .map((l) => `limit=${encodeURIComponent(l)}`);
    const cursor = fc
      .oneof(fc.string({ maxLength: 60 }), fc.base64String({ maxLength: 80 }))
      .map((c) => `cursor=${encodeURIComponent(c)}`);
    return fc
      .array(fc.oneof({ weight: 4, arbitrary: filter }, sort, limit, cursor), { maxLength: 5 })
      .map((parts) => parts.join('&'));
  };

  it('answers every generated list query with 200 or 400 INVALID_QUERY, never a 5xx', async () => {
    const lists = operations().filter(
      ({ method, op }) => method === 'get' && op.parameters?.some((p) => p.name === 'limit'),
    );
    expect(lists.length).toBeGreaterThanOrEqual(5);
    for (const { path, op, key } of lists) {
      for (const caller of [user, admin]) {
        const ownEndpoint = path.startsWith('/api/v1/webhook-endpoints/')
          ? (
              await request(api.url)
                .post('/api/v1/webhook-endpoints')
                .set(caller.auth)
                .send({ url: 'https://93.184.216.34/fuzz' })
                .expect(201)
            ).body.id
          : undefined;
        const url = path.replace('{id}', ownEndpoint ?? userAccount);
        await fc.assert(
          fc.asyncProperty(queryOf(op.parameters!), async (query) => {
            const res = await request(api.url).get(`${url}?${query}`).set(caller.auth).timeout(10_000);
            const outcome = res.status === 200 ? 'page' : `${res.status} ${res.body.code}`;
            expect({ key, query, outcome }).toEqual({
              key,
              query,
              outcome: outcome === 'page' ? 'page' : '400 INVALID_QUERY',
            });
            if (res.status === 200) expect(Object.keys(res.body).sort()).toEqual(['data', 'nextCursor']);
          }),
          { numRuns: QUERY_RUNS / 2 },
        );
        if (ownEndpoint)
          await request(api.url).delete(`/api/v1/webhook-endpoints/${ownEndpoint}`).set(caller.auth).expect(204);
      }
    }
  });
});
