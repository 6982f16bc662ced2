import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startApp, type RunningApp } from '../support/harness.js';
import { openAccount } from '../support/money.js';
import { ADMIN_ENV, login, loginAdmin, registerUser, type TestUser } from '../support/users.js';

/**
 * OWASP API1 (broken object level authorisation) and API5 (broken function level authorisation),
 * generated from the routes the app serves, so that a new route cannot escape the matrix: it fails
 * here until the tables below say which ids and which body it takes.
 */

interface Route {
  method: string;
  path: string; // OpenAPI form: /api/v1/accounts/{id}
  key: string;
  public: boolean;
  takesBody: boolean;
  documentsForbidden: boolean;
}

/** Who may call what, by the contract: /admin/... and deposits are for administrators. */
const adminOnly = (route: Route) => route.path.startsWith('/api/v1/admin/') || route.key === 'POST /api/v1/deposits';
/** Webhook endpoints receive their owner's payments for as long as they exist: managing one is managing a credential. */
const MANAGES_ENDPOINTS = [
  'POST /api/v1/webhook-endpoints',
  'PATCH /api/v1/webhook-endpoints/{id}',
  'DELETE /api/v1/webhook-endpoints/{id}',
  'POST /api/v1/webhook-endpoints/{id}/rotate-secret',
  'POST /api/v1/webhook-endpoints/{id}/redeliver',
];
/** What manages credentials, or outlives them, takes a login's access token: an API key, even a full one, is refused. */
const loginOnly = (route: Route) =>
  route.path.startsWith('/api/v1/api-keys') ||
  route.path.startsWith('/api/v1/auth/tokens') ||
  route.key === 'POST /api/v1/auth/logout' ||
  MANAGES_ENDPOINTS.includes(route.key);
/** A read-only API key may only read. */
const writes = (route: Route) => !route.public && !['GET', 'HEAD', 'OPTIONS'].includes(route.method);
const PUBLIC = ['POST /api/v1/auth/register', 'POST /api/v1/auth/confirm', 'POST /api/v1/auth/login'];
/** Served outside /api/v1 and the OpenAPI document. */
const OPERATIONAL = {
  public: ['/health', '/metrics', '/docs', '/docs-json'],
  adminOnly: ['/admin/queues', '/admin/queues/api/queues'],
};

interface World {
  victim: TestUser;
  attacker: TestUser;
  victimAccount: string;
  attackerAccount: string;
  victimPayment: string;
  /** Two holds between the victim's own accounts: theirs to capture and to void. */
  victimHolds: [string, string];
  /** Theirs to close, and an administrator's to freeze. */
  victimEmptyAccount: string;
  /** A transfer between the victim's own two accounts: theirs to refund. */
  victimTransfer: string;
  /** A payment group the victim sent. */
  victimGroup: string;
  victimSpareToken: string;
  victimKey: string;
  attackerKey: string;
  attackerReadOnlyKey: string;
  /** Theirs to read, change, rotate and list; and one to delete. */
  victimEndpoints: [string, string];
  /** A delivery of the first endpoint: theirs to retry. */
  victimDelivery: string;
}

/** The victim's resource that a path's `{id}` (or another parameter) names, by path, or by method and path where they differ. */
const VICTIM_ID: Record<string, (w: World, param: string) => string> = {
  '/api/v1/accounts/{id}': (w) => w.victimAccount,
  '/api/v1/accounts/{id}/operations': (w) => w.victimAccount,
  '/api/v1/accounts/{id}/balance': (w) => w.victimAccount,
  '/api/v1/accounts/{id}/balances': (w) => w.victimAccount,
  '/api/v1/accounts/{id}/close': (w) => w.victimEmptyAccount,
  '/api/v1/admin/accounts/{id}/freeze': (w) => w.victimEmptyAccount,
  '/api/v1/admin/accounts/{id}/unfreeze': (w) => w.victimEmptyAccount,
  '/api/v1/payments/{id}': (w) => w.victimPayment,
  '/api/v1/payments/{id}/capture': (w) => w.victimHolds[0],
  '/api/v1/payments/{id}/void': (w) => w.victimHolds[1],
  '/api/v1/payments/{id}/refunds': (w) => w.victimTransfer,
  '/api/v1/payment-groups/{id}': (w) => w.victimGroup,
  '/api/v1/auth/tokens/{id}': (w) => w.victimSpareToken,
  '/api/v1/api-keys/{id}': (w) => w.victimKey,
  '/api/v1/webhook-endpoints/{id}': (w) => w.victimEndpoints[0],
  'DELETE /api/v1/webhook-endpoints/{id}': (w) => w.victimEndpoints[1],
  '/api/v1/webhook-endpoints/{id}/rotate-secret': (w) => w.victimEndpoints[0],
  '/api/v1/webhook-endpoints/{id}/deliveries': (w) => w.victimEndpoints[0],
  '/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/retry': (w, param) =>
    param === 'deliveryId' ? w.victimDelivery : w.victimEndpoints[0],
  '/api/v1/webhook-endpoints/{id}/redeliver': (w) => w.victimEndpoints[0],
};
const victimId = (route: Route) => VICTIM_ID[route.key] ?? VICTIM_ID[route.path];

/** A body the route accepts from its rightful caller; a guard must refuse before it matters. */
const VALID_BODY: Record<string, (w: World) => object> = {
  'POST /api/v1/auth/register': () => ({
    email: `matrix-${randomUUID().slice(0, 8)}@example.test`,
    password: 'long enough',
  }),
  'POST /api/v1/auth/confirm': () => ({ token: 'not-a-token' }),
  'POST /api/v1/auth/login': (w) => ({ email: w.attacker.email, password: w.attacker.password }),
  'POST /api/v1/accounts': () => ({ currency: 'USD' }),
  'POST /api/v1/api-keys': () => ({ name: 'matrix' }),
  'POST /api/v1/payments': (w) => ({ fromAccountId: w.attackerAccount, toAccountId: w.victimAccount, amount: '1.00' }),
  'POST /api/v1/payments/quote': (w) => ({
    fromAccountId: w.attackerAccount,
    toAccountId: w.victimAccount,
    amount: '1.00',
  }),
  'POST /api/v1/payment-groups': (w) => ({
    items: [{ type: 'TRANSFER', fromAccountId: w.attackerAccount, toAccountId: w.victimAccount, amount: '1.00' }],
  }),
  'POST /api/v1/payment-groups/quote': (w) => ({
    items: [{ type: 'TRANSFER', fromAccountId: w.attackerAccount, toAccountId: w.victimAccount, amount: '1.00' }],
  }),
  'POST /api/v1/withdrawals': (w) => ({ accountId: w.attackerAccount, amount: '1.00', destination: 'wallet-1' }),
  'POST /api/v1/deposits': (w) => ({
    accountId: w.attackerAccount,
    amount: '1000.00',
    externalRef: `matrix-${randomUUID()}`,
  }),
  'POST /api/v1/payments/{id}/capture': () => ({}),
  'POST /api/v1/payments/{id}/refunds': () => ({ amount: '0.01' }),
  'PUT /api/v1/admin/rates/{from}/{to}': () => ({ rate: '1000' }),
  'POST /api/v1/admin/sweep': () => ({ olderThanMs: 0 }),
  'POST /api/v1/webhook-endpoints': () => ({ url: 'https://93.184.216.34/matrix' }),
  'PATCH /api/v1/webhook-endpoints/{id}': () => ({ description: 'renamed' }),
  'PATCH /api/v1/accounts/{id}': () => ({ metadata: { matrix: 'yes' } }),
  'PATCH /api/v1/payments/{id}': () => ({ metadata: { matrix: 'yes' } }),
  'POST /api/v1/admin/accounts/{id}/freeze': () => ({ mode: 'all', reason: 'matrix' }),
  'POST /api/v1/admin/accounts/{id}/unfreeze': () => ({}),
  'POST /api/v1/webhook-endpoints/{id}/redeliver': () => ({ since: EPOCH }),
};

/** The query a route needs to answer its rightful caller. */
const QUERY: Record<string, () => string> = {
  'GET /api/v1/accounts/{id}/balance': () => `?at=${new Date().toISOString()}`,
  'GET /api/v1/accounts/{id}/balances': () => '?from=2026-01-01&to=2026-01-02',
};
const EPOCH = new Date(0).toISOString();

const PATH_VALUES: Record<string, string> = { from: 'USD', to: 'EUR' };

describe('authorisation matrix over every route', () => {
  let api: RunningApp;
  let admin: TestUser;
  let routes: Route[];
  let w: World;
  const served: string[] = [];

  beforeAll(async () => {
    // Own limiter counters: the administrator's logins here must not use up the other files' per-e-mail budget.
    api = await startApp(undefined, {
      env: {
        ...ADMIN_ENV,
        LOGIN_LIMIT_PER_EMAIL: '1000',
        LOGIN_LIMIT_PER_IP: '10000',
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-authorisation`,
      },
      beforeListen: (app) =>
        app
          .getHttpAdapter()
          .getInstance()
          .addHook('onRoute', ({ method, url }) => void served.push(...[method].flat().map((m) => `${m} ${url}`))),
    });
    admin = await loginAdmin(api);
    const docs = (await request(api.url).get('/docs-json').expect(200)).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            security?: unknown[];
            requestBody?: unknown;
            responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
          }
        >
      >;
    };
    routes = Object.entries(docs.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        public: op.security?.length === 0,
        takesBody: op.requestBody !== undefined,
        documentsForbidden: Object.keys(
          op.responses['403']?.content?.['application/problem+json']?.examples ?? {},
        ).includes('FORBIDDEN'),
      })),
    );

    const [victim, attacker] = await Promise.all([
      registerUser(api, { prefix: 'victim' }),
      registerUser(api, { prefix: 'attacker' }),
    ]);
    const [victimAccount, attackerAccount] = await Promise.all([openAccount(api, victim), openAccount(api, attacker)]);
    const endpoint = () =>
      request(api.url)
        .post('/api/v1/webhook-endpoints')
        .set(victim.auth)
        .send({ url: 'https://93.184.216.34/matrix' })
        .expect(201);
    const victimEndpoints = [(await endpoint()).body.id, (await endpoint()).body.id] as [string, string];
    const funding = await request(api.url)
      .post('/api/v1/deposits')
      .set(admin.auth)
      .send({ accountId: victimAccount, amount: '10.00', externalRef: `matrix-${randomUUID()}` })
      .expect(202);
    await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);
    const victimPayment = funding.body.id;
    const [victimSecond, victimEmptyAccount] = await Promise.all([openAccount(api, victim), openAccount(api, victim)]);
    const pay = (body: object) =>
      request(api.url)
        .post('/api/v1/payments')
        .set(victim.auth)
        .send({ fromAccountId: victimAccount, toAccountId: victimSecond, amount: '1.00', ...body })
        .expect(202);
    const [ownTransfer, ...holds] = await Promise.all([
      pay({}),
      pay({ capture: 'manual' }),
      pay({ capture: 'manual' }),
    ]);
    const group = await request(api.url)
      .post('/api/v1/payment-groups')
      .set(victim.auth)
      .send({ items: [{ type: 'TRANSFER', fromAccountId: victimAccount, toAccountId: victimSecond, amount: '0.01' }] })
      .expect(202);
    await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);
    const spare = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: victim.email, password: victim.password })
      .expect(201);
    const key = async (user: TestUser, readOnly: boolean) =>
      (await request(api.url).post('/api/v1/api-keys').set(user.auth).send({ name: 'matrix', readOnly }).expect(201))
        .body;
    const [victimKey, attackerKey, attackerReadOnlyKey] = await Promise.all([
      key(victim, false),
      key(attacker, false),
      key(attacker, true),
    ]);
    // No worker runs here to fan the victim's events out: redelivery makes their deliveries.
    await request(api.url)
      .post(`/api/v1/webhook-endpoints/${victimEndpoints[0]}/redeliver`)
      .set(victim.auth)
      .send({ since: EPOCH })
      .expect(202);
    w = {
      victim,
      attacker,
      victimAccount,
      attackerAccount,
      victimPayment,
      victimHolds: [holds[0].body.id, holds[1].body.id],
      victimEmptyAccount,
      victimTransfer: ownTransfer.body.id,
      victimGroup: group.body.id,
      victimSpareToken: spare.body.tokenId,
      victimKey: victimKey.id,
      attackerKey: attackerKey.key,
      attackerReadOnlyKey: attackerReadOnlyKey.key,
      victimEndpoints,
      victimDelivery: (
        await request(api.url)
          .get(`/api/v1/webhook-endpoints/${victimEndpoints[0]}/deliveries`)
          .set(victim.auth)
          .expect(200)
      ).body.data[0].id,
    };
  });
  afterAll(async () => {
    // Later suites' workers would try to deliver the victim's payments' events.
    for (const id of w.victimEndpoints)
      await request(api.url).delete(`/api/v1/webhook-endpoints/${id}`).set(w.victim.auth);
    await api.close();
  });

  function call(
    route: Route,
    token: string | undefined,
    ids: (route: Route, param: string) => string | undefined = () => undefined,
  ) {
    const url =
      route.path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? ids(route, name) ?? randomUUID()) +
      (QUERY[route.key]?.() ?? '');
    const req = request(api.url)[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](url).timeout(10_000);
    if (token) req.set('Authorization', `Bearer ${token}`);
    const body = VALID_BODY[route.key];
    return body ? req.send(body(w)) : req;
  }

  /** Snapshot of what a refused request must not have changed. */
  async function state() {
    const [victimAccount, attackerAccount, rates, tokens, keys, endpoints, deliveries] = await Promise.all([
      request(api.url).get(`/api/v1/accounts/${w.victimAccount}`).set(admin.auth).expect(200),
      request(api.url).get(`/api/v1/accounts/${w.attackerAccount}`).set(admin.auth).expect(200),
      request(api.url).get('/api/v1/rates').set(admin.auth).expect(200),
      request(api.url).get('/api/v1/auth/tokens').set(w.victim.auth).expect(200),
      Promise.all(
        [w.victim, w.attacker].map((user) => request(api.url).get('/api/v1/api-keys').set(user.auth).expect(200)),
      ),
      request(api.url).get('/api/v1/webhook-endpoints').set(w.victim.auth).expect(200),
      request(api.url)
        .get(`/api/v1/webhook-endpoints/${w.victimEndpoints[0]}/deliveries`)
        .set(w.victim.auth)
        .expect(200),
    ]);
    const [payments, accounts] = await Promise.all([
      request(api.url).get(`/api/v1/payments?limit=200`).set(w.attacker.auth).expect(200),
      request(api.url).get(`/api/v1/accounts?limit=200`).set(w.attacker.auth).expect(200),
    ]);
    return {
      balances: [victimAccount.body.balance, attackerAccount.body.balance],
      rates: rates.body.data,
      tokens: tokens.body.data.length,
      keys: keys.map((res) => res.body.data.length),
      payments: payments.body.data.length,
      attackerAccounts: accounts.body.data.length,
      endpoints: endpoints.body.data,
      deliveries: deliveries.body.data,
    };
  }

  it('knows every route the app serves: each is documented, and each body and id is in the tables', () => {
    // Fastify adds a HEAD route beside every GET by itself.
    const routerKeys = served
      .filter((key) => !key.startsWith('HEAD ') && key.includes(' /api/v1/'))
      .map((key) => key.replace(/:(\w+)/g, '{$1}'));
    expect([...new Set(routerKeys)].sort()).toEqual(routes.map((r) => r.key).sort());
    for (const route of routes) {
      expect({ route: route.key, bodyKnown: route.key in VALID_BODY }).toEqual({
        route: route.key,
        bodyKnown: route.takesBody,
      });
      for (const [, name] of route.path.matchAll(/\{(\w+)\}/g))
        expect({ route: route.key, param: name, known: name in PATH_VALUES || victimId(route) !== undefined }).toEqual({
          route: route.key,
          param: name,
          known: true,
        });
    }
    expect(
      routes
        .filter((r) => r.public)
        .map((r) => r.key)
        .sort(),
    ).toEqual([...PUBLIC].sort());
  });

  it('documents 403 FORBIDDEN exactly where it may answer: admin-only routes, credential routes (API keys) and every write (read-only keys)', () => {
    const mayForbid = routes.filter((r) => adminOnly(r) || loginOnly(r) || writes(r));
    expect(
      routes
        .filter((r) => r.documentsForbidden)
        .map((r) => r.key)
        .sort(),
    ).toEqual(mayForbid.map((r) => r.key).sort());
  });

  it('answers 401 UNAUTHORIZED to every non-public route without a token, with a forged one, and with an unknown or malformed API key', async () => {
    const forged = jwt.sign({ sub: w.attacker.id, jti: randomUUID() }, 'not-the-secret');
    const unknownKey = `bgk_${randomBytes(32).toString('base64url')}`;
    for (const route of routes.filter((r) => !r.public)) {
      for (const token of [undefined, forged, unknownKey, `${w.attackerKey}x`]) {
        const res = await call(route, token);
        expect({ route: route.key, status: res.status, code: res.body.code }).toEqual({
          route: route.key,
          status: 401,
          code: 'UNAUTHORIZED',
        });
      }
    }
    for (const path of OPERATIONAL.adminOnly)
      expect({ path, status: (await request(api.url).get(path)).status }).toEqual({ path, status: 401 });
    for (const path of OPERATIONAL.public)
      expect({ path, status: (await request(api.url).get(path)).status }).toEqual({ path, status: 200 });
  });

  it("answers 403 FORBIDDEN to a user's token on every admin-only route and changes nothing", async () => {
    const before = await state();
    for (const route of routes.filter(adminOnly)) {
      const res = await call(route, w.attacker.token, (r, param) => victimId(r)?.(w, param));
      expect({ route: route.key, status: res.status, code: res.body.code }).toEqual({
        route: route.key,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    for (const path of OPERATIONAL.adminOnly) {
      const res = await request(api.url).get(path).set(w.attacker.auth);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
    }
    expect(await state()).toEqual(before);
  });

  it('answers 403 FORBIDDEN to a read-only API key on every write, changing nothing, and lets it read', async () => {
    const before = await state();
    for (const route of routes.filter(writes)) {
      const res = await call(route, w.attackerReadOnlyKey, (r, param) => victimId(r)?.(w, param));
      expect({ route: route.key, status: res.status, code: res.body.code }).toEqual({
        route: route.key,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect(await state()).toEqual(before);
    for (const route of routes.filter(
      (r) => r.method === 'GET' && !r.public && !adminOnly(r) && !loginOnly(r) && victimId(r) === undefined,
    )) {
      const res = await call(route, w.attackerReadOnlyKey);
      expect({ route: route.key, status: res.status }).toEqual({ route: route.key, status: 200 });
    }
  });

  it('answers 403 FORBIDDEN to a full API key on every route that manages credentials or webhook endpoints, changing nothing', async () => {
    const before = await state();
    expect(routes.filter(loginOnly).map((r) => r.key)).toEqual(expect.arrayContaining(MANAGES_ENDPOINTS));
    for (const route of routes.filter(loginOnly)) {
      const res = await call(route, w.attackerKey, (r, param) => victimId(r)?.(w, param));
      expect({ route: route.key, status: res.status, code: res.body.code }).toEqual({
        route: route.key,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect(await state()).toEqual(before);
  });

  it("answers 403 FORBIDDEN to a user's API key on every admin-only route, and lets an administrator's key through (a read-only one only to read)", async () => {
    const before = await state();
    for (const route of routes.filter(adminOnly)) {
      const res = await call(route, w.attackerKey, (r, param) => victimId(r)?.(w, param));
      expect({ route: route.key, status: res.status, code: res.body.code }).toEqual({
        route: route.key,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect(await state()).toEqual(before);
    const adminKey = async (readOnly: boolean) =>
      (await request(api.url).post('/api/v1/api-keys').set(admin.auth).send({ name: 'admin', readOnly }).expect(201))
        .body.key as string;
    const [full, readOnly] = await Promise.all([adminKey(false), adminKey(true)]);
    await request(api.url).get('/api/v1/admin/ledger/check').set('Authorization', `Bearer ${readOnly}`).expect(200);
    await request(api.url)
      .put('/api/v1/admin/rates/GBP/JPY')
      .set('Authorization', `Bearer ${readOnly}`)
      .send({ rate: '190' })
      .expect(403);
    await request(api.url)
      .put('/api/v1/admin/rates/GBP/JPY')
      .set('Authorization', `Bearer ${full}`)
      .send({ rate: '190' })
      .expect(200);
  });

  it("answers 404 NOT_FOUND to another user's id on every route that takes one, never 200 or 403, and changes nothing; the owner gets it", async () => {
    const withIds = routes.filter((r) => victimId(r) !== undefined && !adminOnly(r));
    expect(withIds.length).toBeGreaterThan(0);
    const before = await state();
    for (const route of withIds) {
      const res = await call(route, w.attacker.token, (r, param) => victimId(r)(w, param));
      expect({ route: route.key, status: res.status, code: res.body.code }).toEqual({
        route: route.key,
        status: 404,
        code: 'NOT_FOUND',
      });
      const unknown = await call(route, w.attacker.token, () => randomUUID());
      expect({ route: route.key, unknown: unknown.status, body: Object.keys(unknown.body).sort() }).toEqual({
        route: route.key,
        unknown: 404,
        body: Object.keys(res.body).sort(),
      });
      if (loginOnly(route)) continue;
      const withKey = await call(route, w.attackerKey, (r, param) => victimId(r)(w, param));
      expect({ route: route.key, status: withKey.status, code: withKey.body.code }).toEqual({
        route: route.key,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    expect(await state()).toEqual(before);
    for (const route of withIds) {
      const res = await call(route, w.victim.token, (r, param) => victimId(r)(w, param));
      expect({ route: route.key, ok: res.status >= 200 && res.status < 300 }).toEqual({ route: route.key, ok: true });
    }
  });

  it("refuses to move money out of another user's account (ids in the body) with 404, creating nothing", async () => {
    const before = await state();
    const transfer = await request(api.url)
      .post('/api/v1/payments')
      .set(w.attacker.auth)
      .send({ fromAccountId: w.victimAccount, toAccountId: w.attackerAccount, amount: '1.00' });
    const withdrawal = await request(api.url)
      .post('/api/v1/withdrawals')
      .set(w.attacker.auth)
      .send({ accountId: w.victimAccount, amount: '1.00', destination: 'wallet-x' });
    expect([transfer.status, transfer.body.code, withdrawal.status, withdrawal.body.code]).toEqual([
      404,
      'NOT_FOUND',
      404,
      'NOT_FOUND',
    ]);
    expect(await state()).toEqual(before);
  });

  it("never shows another user's data through list filters", async () => {
    for (const path of [
      `/api/v1/payments?toAccountId=${w.victimAccount}`,
      `/api/v1/payments?id=${w.victimPayment}`,
      `/api/v1/accounts?id=${w.victimAccount}`,
      `/api/v1/accounts?userId=${w.victim.id}`,
      `/api/v1/auth/tokens?id=${w.victimSpareToken}`,
      `/api/v1/api-keys?id=${w.victimKey}`,
      `/api/v1/events?paymentId=${w.victimPayment}`,
    ]) {
      const res = await request(api.url).get(path).set(w.attacker.auth);
      expect({ path, leaked: res.status === 200 ? res.body.data : res.body.code }).toEqual({
        path,
        leaked: res.status === 200 ? [] : 'INVALID_QUERY',
      });
    }
  });

  it('lets an administrator through where a user is refused', async () => {
    const res = await request(api.url).get('/api/v1/admin/ledger/check').set(admin.auth).expect(200);
    expect(res.body.balanced).toBe(true);
    expect(await login(api, w.attacker.email, w.attacker.password)).toEqual(expect.any(String));
  });
});
