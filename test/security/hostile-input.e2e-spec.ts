import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startApp, type RunningApp } from '../support/harness.js';
import { openAccount } from '../support/money.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from '../support/users.js';

/**
 * OWASP API3 (mass assignment), API4 (unrestricted resource consumption: body size), API2 (broken
 * authentication: tampered tokens) and API8 (security misconfiguration: CORS). Rate limits on login
 * and registration are proven in test/login-protection.e2e-spec.ts and test/users.e2e-spec.ts.
 */
describe('hostile input', () => {
  let api: RunningApp;
  let admin: TestUser;
  let user: TestUser;
  let account: string;
  let other: string;

  beforeAll(async () => {
    // Own limiter counters: the administrator's logins here must not use up the other files' per-e-mail budget.
    api = await startApp(undefined, {
      env: {
        ...ADMIN_ENV,
        LOGIN_LIMIT_PER_EMAIL: '1000',
        LOGIN_LIMIT_PER_IP: '10000',
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-hostile-input`,
      },
    });
    admin = await loginAdmin(api);
    user = await registerUser(api, { confirmed: false });
    account = await openAccount(api, user);
    other = await openAccount(api, await registerUser(api));
  });
  afterAll(() => api.close());

  const FORBIDDEN_FIELDS: Array<[string, unknown]> = [
    ['role', 'ADMIN'],
    ['confirmed', true],
    ['balance', '1000000.00'],
    ['status', 'COMPLETED'],
    ['userId', randomUUID()],
    ['commission', '0.00'],
    ['id', randomUUID()],
  ];

  /** A valid body for each writing route, and who sends it. */
  const bodies = (): Array<[string, 'post' | 'put', string, () => TestUser, object]> => [
    [
      'register',
      'post',
      '/api/v1/auth/register',
      () => user,
      { email: `mass-${randomUUID().slice(0, 8)}@example.test`, password: 'long enough' },
    ],
    ['open an account', 'post', '/api/v1/accounts', () => user, { currency: 'USD' }],
    [
      'transfer',
      'post',
      '/api/v1/payments',
      () => user,
      { fromAccountId: account, toAccountId: other, amount: '1.00' },
    ],
    [
      'withdraw',
      'post',
      '/api/v1/withdrawals',
      () => user,
      { accountId: account, amount: '1.00', destination: 'wallet-1' },
    ],
    [
      'deposit',
      'post',
      '/api/v1/deposits',
      () => admin,
      { accountId: account, amount: '1.00', externalRef: `mass-${randomUUID()}` },
    ],
    ['set a rate', 'put', '/api/v1/admin/rates/USD/JPY', () => admin, { rate: '150' }],
    ['sweep', 'post', '/api/v1/admin/sweep', () => admin, { olderThanMs: 60000 }],
  ];

  async function snapshot() {
    const [me, mine, payments, rates] = await Promise.all([
      request(api.url).get('/api/v1/users/me').set(user.auth).expect(200),
      request(api.url).get('/api/v1/accounts').set(user.auth).expect(200),
      request(api.url).get('/api/v1/payments?limit=200').set(admin.auth).expect(200),
      request(api.url).get('/api/v1/rates').set(admin.auth).expect(200),
    ]);
    return { me: me.body, accounts: mine.body.data, payments: payments.body.data.length, rates: rates.body.data };
  }

  it.each(FORBIDDEN_FIELDS)(
    'refuses "%s" in every body with 400 VALIDATION_FAILED naming it, and changes nothing',
    async (field, value) => {
      const before = await snapshot();
      for (const [name, method, path, who, body] of bodies()) {
        const res = await request(api.url)
          [method](path)
          .set(who().auth)
          .send({ ...body, [field]: value });
        expect({
          name,
          status: res.status,
          code: res.body.code,
          fields: res.body.errors?.map((e: { field: string }) => e.field),
        }).toEqual({
          name,
          status: 400,
          code: 'VALIDATION_FAILED',
          fields: [field],
        });
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  it('sends JSON answers with the REST security headers, and pages with the browser ones', async () => {
    const answer = await request(api.url).get('/api/v1/users/me').set(user.auth).expect(200);
    expect(answer.headers).toMatchObject({
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
    });
    for (const pageOnly of ['x-powered-by', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-xss-protection'])
      expect(answer.headers).not.toHaveProperty(pageOnly);
    const refused = await request(api.url).get('/api/v1/users/me').expect(401);
    expect(refused.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });

    const page = await request(api.url).get('/docs/').expect(200);
    expect(page.headers).toMatchObject({
      'x-frame-options': 'SAMEORIGIN',
      'origin-agent-cluster': '?1',
      'x-content-type-options': 'nosniff',
    });
    expect(page.headers).not.toHaveProperty('content-security-policy');
  });

  it('answers a body over 100 KiB with 413 PAYLOAD_TOO_LARGE on every writing route, before authentication', async () => {
    for (const [name, method, path, who, body] of bodies()) {
      for (const auth of [who().auth, {}]) {
        const res = await request(api.url)
          [method](path)
          .set(auth)
          .send({ ...body, description: 'x'.repeat(101 * 1024) });
        expect({ name, status: res.status, code: res.body.code, type: res.headers['content-type'] }).toEqual({
          name,
          status: 413,
          code: 'PAYLOAD_TOO_LARGE',
          type: expect.stringMatching(/^application\/problem\+json/),
        });
      }
    }
  });

  it.each([
    ['an array 20000 levels deep', `{"currency":${'['.repeat(20_000)}"USD"${']'.repeat(20_000)}}`],
    ['an array', '[]'],
    ['a string', '"USD"'],
    ['null', 'null'],
    ['a number', '42'],
    ['a __proto__ key', '{"__proto__":{"role":"ADMIN"},"currency":"USD"}'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"role":"ADMIN"}},"currency":"USD"}'],
  ])('answers a body that is %s with 400, pollutes nothing and creates nothing', async (_name, body) => {
    const before = await snapshot();
    const res = await request(api.url)
      .post('/api/v1/accounts')
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .send(body);
    expect([res.status, res.headers['content-type']]).toEqual([
      400,
      expect.stringMatching(/^application\/problem\+json/),
    ]);
    expect(({} as { role?: unknown }).role).toBeUndefined();
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['text/plain', '{"currency":"USD"}'],
    ['application/x-www-form-urlencoded', 'currency=USD'],
  ])('answers a %s body with 415 and creates nothing: JSON is the only body the api reads', async (type, body) => {
    const before = await snapshot();
    const res = await request(api.url).post('/api/v1/accounts').set(user.auth).set('Content-Type', type).send(body);
    expect({ status: res.status, code: res.body.code, type: res.headers['content-type'] }).toEqual({
      status: 415,
      code: 'VALIDATION_FAILED',
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a NUL character in any stored text with 400 VALIDATION_FAILED naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const nul = 'a\u0000b';
    for (const [field, who, path, body] of [
      [
        'description',
        () => user,
        '/api/v1/payments',
        { fromAccountId: account, toAccountId: other, amount: '1.00', description: nul },
      ],
      ['destination', () => user, '/api/v1/withdrawals', { accountId: account, amount: '1.00', destination: nul }],
      ['externalRef', () => admin, '/api/v1/deposits', { accountId: account, amount: '1.00', externalRef: nul }],
      ['name', () => user, '/api/v1/accounts', { currency: 'USD', name: nul }],
      [
        'name',
        () => user,
        '/api/v1/auth/register',
        { email: `nul-${randomUUID().slice(0, 8)}@example.test`, password: 'long enough', name: nul },
      ],
      ['tokenName', () => user, '/api/v1/auth/login', { email: user.email, password: user.password, tokenName: nul }],
    ] as Array<[string, () => TestUser, string, object]>) {
      const res = await request(api.url).post(path).set(who().auth).send(body);
      expect({
        path,
        status: res.status,
        code: res.body.code,
        fields: res.body.errors?.map((e: { field: string }) => e.field),
      }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED', fields: [field] });
    }
    const list = await request(api.url).get('/api/v1/payments?description=a%00b').set(user.auth);
    expect([list.status, list.body.code]).toEqual([400, 'INVALID_QUERY']);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['a malformed id', 'not-a-uuid'],
    ['an id of 2,000 characters', 'x'.repeat(2000)],
  ])('answers a path with %s with 4xx problem details', async (_name, id) => {
    const res = await request(api.url).get(`/api/v1/payments/${id}`).set(user.auth);
    expect({ status: res.status, type: res.headers['content-type'], code: res.body.code }).toEqual({
      status: 404,
      type: expect.stringMatching(/^application\/problem\+json/),
      code: 'NOT_FOUND',
    });
  });

  it('answers a URL over 16 KiB, which Node refuses before any route, with 431 problem details', async () => {
    const res = await request(api.url)
      .get(`/api/v1/payments?description=${'x'.repeat(17 * 1024)}`)
      .set(user.auth);
    expect({ status: res.status, type: res.headers['content-type'], code: res.body.code }).toEqual({
      status: 431,
      type: expect.stringMatching(/^application\/problem\+json/),
      code: 'HEADERS_TOO_LARGE',
    });
    await request(api.url).get('/api/v1/users/me').set(user.auth).expect(200);
  });

  it('refuses a sweep age older than a date can hold with 400 VALIDATION_FAILED', async () => {
    const res = await request(api.url)
      .post('/api/v1/admin/sweep')
      .set(admin.auth)
      .send({ olderThanMs: 599604256419242 });
    expect([res.status, res.body.code, res.body.errors?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', 'olderThanMs']);
  });

  describe('input that looks well-formed but is not: 400, never 500, and nothing stored', () => {
    let payer: TestUser;
    let payerAccount: string;

    beforeAll(async () => {
      payer = await registerUser(api);
      payerAccount = await openAccount(api, payer);
    });

    const paymentCount = async () =>
      (await request(api.url).get('/api/v1/payments?limit=200').set(admin.auth).expect(200)).body.data.length;

    it.each([
      ['/api/v1/payments', 'createdAt[gt]=2020-02-30T00:00:00.000Z'],
      ['/api/v1/accounts', 'createdAt[lt]=2026-02-29T12:00:00.000Z'],
      ['/api/v1/auth/tokens', 'createdAt=2026-01-01T24:00:00.000Z'],
    ])('refuses a date that does not exist on %s (%s) with 400 INVALID_QUERY', async (path, query) => {
      const res = await request(api.url).get(`${path}?${query}`).set(user.auth);
      expect([res.status, res.body.code]).toEqual([400, 'INVALID_QUERY']);
    });

    it('refuses the year 0000, which PostgreSQL has not, in every timestamp filter of every list with 400 INVALID_QUERY', async () => {
      type Parameter = { name: string; in: string; schema?: { format?: string } };
      const docs = (await request(api.url).get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
      };
      const endpoint = await request(api.url)
        .post('/api/v1/webhook-endpoints')
        .set(admin.auth)
        .send({ url: 'https://93.184.216.34/year-zero' })
        .expect(201);
      const ids: Record<string, string> = { accounts: account, 'webhook-endpoints': endpoint.body.id };
      const filters = Object.entries(docs.paths).flatMap(([path, item]) =>
        (item.get?.parameters ?? [])
          .filter((p) => p.in === 'query' && p.schema?.format === 'date-time')
          .map((p) => [path, p.name] as const),
      );
      expect(new Set(filters.map(([path]) => path)).size).toBeGreaterThanOrEqual(8);
      try {
        for (const [path, name] of filters) {
          const url = path.replace(/\/([\w-]+)\/\{id\}/, (_, kind: string) => `/${kind}/${ids[kind]}`);
          const res = await request(api.url)
            .get(`${url}?${encodeURIComponent(name)}=0000-01-01T00:00:00Z`)
            .set(admin.auth);
          expect({ url, name, status: res.status, code: res.body.code }).toEqual({
            url,
            name,
            status: 400,
            code: 'INVALID_QUERY',
          });
        }
      } finally {
        await request(api.url).delete(`/api/v1/webhook-endpoints/${endpoint.body.id}`).set(admin.auth).expect(204);
      }
    });

    it('refuses a cursor on any list but the one that issued it with 400 INVALID_QUERY', async () => {
      for (const externalRef of [`cursor-${randomUUID()}`, `cursor-${randomUUID()}`]) {
        await request(api.url)
          .post('/api/v1/deposits')
          .set(admin.auth)
          .send({ accountId: account, amount: '1.00', externalRef })
          .expect(202);
      }
      const payments = await request(api.url).get('/api/v1/payments?limit=1').set(admin.auth).expect(200);
      const cursor = payments.body.nextCursor as string;
      expect(cursor).toEqual(expect.any(String));
      await request(api.url).get(`/api/v1/payments?limit=1&cursor=${cursor}`).set(admin.auth).expect(200);
      for (const path of [
        '/api/v1/accounts',
        '/api/v1/auth/tokens',
        `/api/v1/accounts/${account}/operations`,
        '/api/v1/rates',
      ]) {
        const res = await request(api.url).get(`${path}?cursor=${cursor}`).set(admin.auth);
        expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code: 'INVALID_QUERY' });
      }
      const asPayee = await request(api.url).get(`/api/v1/payments?limit=1&cursor=${cursor}`).set(user.auth);
      expect([asPayee.status, asPayee.body.code]).toEqual([400, 'INVALID_QUERY']); // another caller's scope
    });

    it('refuses a transfer to the same account spelt in capitals with 400 SAME_ACCOUNT', async () => {
      const before = await paymentCount();
      const res = await request(api.url)
        .post('/api/v1/payments')
        .set(payer.auth)
        .send({ fromAccountId: payerAccount, toAccountId: payerAccount.toUpperCase(), amount: '1.00' });
      expect([res.status, res.body.code]).toEqual([400, 'SAME_ACCOUNT']);
      expect(await paymentCount()).toBe(before);
    });

    it.each([
      [
        'transfer',
        '/api/v1/payments',
        () => payer,
        () => ({ fromAccountId: payerAccount, toAccountId: other, amount: '1.00' }),
      ],
      [
        'withdrawal',
        '/api/v1/withdrawals',
        () => payer,
        () => ({ accountId: payerAccount, amount: '1.00', destination: 'wallet-1' }),
      ],
      [
        'deposit',
        '/api/v1/deposits',
        () => admin,
        () => ({ accountId: account, amount: '1.00', externalRef: `twice-${randomUUID()}` }),
      ],
    ])(
      'refuses a %s with two Idempotency-Key headers with 400 INVALID_IDEMPOTENCY_KEY',
      async (_name, path, who, body) => {
        const before = await paymentCount();
        const twice = [`first-${randomUUID()}`, 'second'] as unknown as string; // superagent sends an array as one header line each; its types allow arrays for Cookie only
        const res = await request(api.url).post(path).set(who().auth).set('Idempotency-Key', twice).send(body());
        expect([res.status, res.body.code]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
        expect(await paymentCount()).toBe(before);
      },
    );
  });

  describe('tampered access tokens', () => {
    const claims = () => jwt.decode(user.token) as { sub: string; jti: string; exp: number; iat: number };
    const [header, payload, signature] = [0, 1, 2].map((i) => () => user.token.split('.')[i]);
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

    it.each<[string, () => string]>([
      ['alg none with real claims', () => jwt.sign({ ...claims() }, '', { algorithm: 'none' })],
      ['alg none, signature kept', () => `${b64({ alg: 'none', typ: 'JWT' })}.${payload()}.${signature()}`],
      ['another key', () => jwt.sign({ ...claims() }, 'another-key', { algorithm: 'HS256' })],
      ['the right key but HS512', () => jwt.sign({ ...claims() }, api.config.jwtSecret, { algorithm: 'HS512' })],
      ['expired', () => jwt.sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 1 }, api.config.jwtSecret)],
      [
        'payload edited to ADMIN, signature kept',
        () => `${header()}.${b64({ ...claims(), role: 'ADMIN' })}.${signature()}`,
      ],
      [
        'payload edited to another user, signature kept',
        () => `${header()}.${b64({ ...claims(), sub: admin.id })}.${signature()}`,
      ],
      [
        'a well-signed token for an unknown jti',
        () => jwt.sign({ sub: claims().sub, jti: randomUUID() }, api.config.jwtSecret, { expiresIn: 60 }),
      ],
      ['signature stripped', () => `${header()}.${payload()}.`],
      ['not a JWT', () => 'a.b.c'],
    ])('refuses %s with 401 UNAUTHORIZED', async (_name, token) => {
      for (const path of ['/api/v1/users/me', '/api/v1/admin/ledger/check']) {
        const res = await request(api.url).get(path).set('Authorization', `Bearer ${token()}`);
        expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 401, code: 'UNAUTHORIZED' });
      }
    });

    it('still accepts the untampered token', async () => {
      await request(api.url).get('/api/v1/users/me').set(user.auth).expect(200);
    });
  });

  describe('CORS', () => {
    it('is off by default: no Access-Control-Allow-Origin, also on a preflight', async () => {
      const simple = await request(api.url).get('/health').set('Origin', 'https://evil.example');
      const preflight = await request(api.url)
        .options('/api/v1/payments')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect([simple.headers['access-control-allow-origin'], preflight.headers['access-control-allow-origin']]).toEqual(
        [undefined, undefined],
      );
    });

    it('echoes only the origins listed in CORS_ORIGINS', async () => {
      const configured = await startApp(undefined, {
        env: { CORS_ORIGINS: 'https://app.example, https://admin.example' },
      });
      try {
        const allowed = await request(configured.url).get('/health').set('Origin', 'https://admin.example');
        expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example');
        const preflight = await request(configured.url)
          .options('/api/v1/payments')
          .set('Origin', 'https://app.example')
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
        expect(preflight.status).toBeLessThan(300);
        expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
        const refused = await request(configured.url).get('/health').set('Origin', 'https://evil.example');
        expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await configured.close();
      }
    });
  });
});
