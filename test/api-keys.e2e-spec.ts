import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApp, type RunningApp } from './support/harness.js';
import { openAccount } from './support/money.js';
import { type RunningProcess, startApiProcess } from './support/processes.js';
import { registerUser, type TestUser } from './support/users.js';

interface CreatedKey {
  id: string;
  name: string;
  readOnly: boolean;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  key: string;
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('API keys', () => {
  let api: RunningApp;
  let db: DataSource;

  beforeAll(async () => {
    api = await startApp();
    db = api.app.get(DataSource);
  });
  afterAll(() => api.close());

  const problemOf = (res: request.Response) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.body as { code: string; status: number; detail: string };
  };
  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
  const send = (method: string, path: string, auth: { Authorization: string }, body?: object) => {
    const req = request(api.url)[method as 'get' | 'post' | 'put' | 'delete'](path).set(auth);
    return body ? req.send(body) : req;
  };

  async function createKey(user: TestUser, body: object = { name: 'shop backend' }): Promise<CreatedKey> {
    return (await request(api.url).post('/api/v1/api-keys').set(user.auth).send(body).expect(201)).body;
  }

  it('creates a key and shows its secret once: the list never holds it', async () => {
    const user = await registerUser(api);
    const created = await createKey(user);
    expect(created).toEqual({
      id: expect.any(String),
      name: 'shop backend',
      readOnly: false,
      prefix: created.key.slice(0, 8),
      createdAt: expect.stringMatching(TIMESTAMP),
      lastUsedAt: null,
      key: expect.stringMatching(/^bgk_[A-Za-z0-9_-]{43}$/),
    });
    expect(created.prefix).toMatch(/^bgk_/);
    const list = await request(api.url).get('/api/v1/api-keys').set(user.auth).expect(200);
    const { key: _secret, ...shown } = created;
    expect(list.body).toEqual({ data: [shown], nextCursor: null });
    expect(JSON.stringify(list.body)).not.toContain(created.key.slice(8));
  });

  it('stores only the SHA-256 of the key', async () => {
    const user = await registerUser(api);
    const created = await createKey(user);
    const rows = await db.query<Array<Record<string, unknown>>>(`SELECT * FROM api_keys WHERE id = $1`, [created.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].secret_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(rows[0])).not.toContain(created.key.slice(8));
  });

  it('authenticates as its user on every endpoint: users/me, opening an account, a payment', async () => {
    const [user, payee] = await Promise.all([registerUser(api), registerUser(api)]);
    const { key } = await createKey(user);
    const me = await request(api.url).get('/api/v1/users/me').set(bearer(key)).expect(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email });
    const account = await request(api.url)
      .post('/api/v1/accounts')
      .set(bearer(key))
      .send({ currency: 'USD' })
      .expect(201);
    expect(account.body).toMatchObject({ userId: user.id, currency: 'USD', balance: '0.00' });
    const payment = await request(api.url)
      .post('/api/v1/payments')
      .set(bearer(key))
      .send({ fromAccountId: account.body.id, toAccountId: await openAccount(api, payee), amount: '1.00' })
      .expect(202);
    const seen = await request(api.url).get(`/api/v1/payments/${payment.body.id}`).set(user.auth).expect(200);
    expect(seen.body).toMatchObject({ id: payment.body.id, fromAccountId: account.body.id });
  });

  it('lets a read-only key read, and answers every write with 403 FORBIDDEN, changing nothing', async () => {
    const user = await registerUser(api);
    const account = await openAccount(api, user);
    const { key } = await createKey(user, { name: 'reporting', readOnly: true });
    for (const path of [
      '/api/v1/users/me',
      '/api/v1/accounts',
      `/api/v1/accounts/${account}`,
      `/api/v1/accounts/${account}/operations`,
      '/api/v1/payments',
      '/api/v1/rates',
    ]) {
      expect({ path, status: (await request(api.url).get(path).set(bearer(key))).status }).toEqual({
        path,
        status: 200,
      });
    }
    const writes: Array<[string, string, object?]> = [
      ['post', '/api/v1/accounts', { currency: 'USD' }],
      ['post', '/api/v1/payments', { fromAccountId: account, toAccountId: account, amount: '1.00' }],
      ['post', '/api/v1/withdrawals', { accountId: account, amount: '1.00', destination: 'wallet-1' }],
      ['post', '/api/v1/auth/confirm/resend'],
      ['put', '/api/v1/admin/rates/USD/EUR', { rate: '0.9' }],
      ['delete', `/api/v1/auth/tokens/${randomUUID()}`],
    ];
    for (const [method, path, body] of writes) {
      const res = await send(method, path, bearer(key), body);
      expect({ method, path, status: res.status, code: problemOf(res).code }).toEqual({
        method,
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    const accounts = await request(api.url).get('/api/v1/accounts').set(user.auth).expect(200);
    expect(accounts.body.data.map((a: { id: string }) => a.id)).toEqual([account]);
  });

  it('refuses every key, full or read-only, the management of API keys and tokens with 403 FORBIDDEN; a login may', async () => {
    const user = await registerUser(api);
    const full = await createKey(user, { name: 'full' });
    const readOnly = await createKey(user, { name: 'read-only', readOnly: true });
    for (const { key } of [full, readOnly]) {
      const attempts: Array<[string, string, object?]> = [
        ['post', '/api/v1/api-keys', { name: 'successor' }],
        ['get', '/api/v1/api-keys'],
        ['delete', `/api/v1/api-keys/${full.id}`],
        ['get', '/api/v1/auth/tokens'],
        ['delete', `/api/v1/auth/tokens/${randomUUID()}`],
        ['post', '/api/v1/auth/logout'],
      ];
      for (const [method, path, body] of attempts) {
        const res = await send(method, path, bearer(key), body);
        expect({ method, path, status: res.status, code: problemOf(res).code }).toEqual({
          method,
          path,
          status: 403,
          code: 'FORBIDDEN',
        });
      }
    }
    // Logging out with a key revoked nothing: both keys and the login still work.
    for (const auth of [bearer(full.key), bearer(readOnly.key), user.auth])
      await request(api.url).get('/api/v1/users/me').set(auth).expect(200);
    const list = await request(api.url).get('/api/v1/api-keys').set(user.auth).expect(200);
    expect(list.body.data.map((k: CreatedKey) => k.name).sort()).toEqual(['full', 'read-only']);
  });

  it('is not a token: GET /auth/tokens does not list it', async () => {
    const user = await registerUser(api);
    await createKey(user);
    const tokens = await request(api.url).get('/api/v1/auth/tokens').set(user.auth).expect(200);
    expect(tokens.body.data).toHaveLength(1); // the login's
  });

  it('revokes a key with 204: it answers 401 UNAUTHORIZED from the next request on, and leaves the list', async () => {
    const user = await registerUser(api);
    const kept = await createKey(user, { name: 'kept' });
    const revoked = await createKey(user, { name: 'revoked' });
    await request(api.url).get('/api/v1/users/me').set(bearer(revoked.key)).expect(200);
    await request(api.url).delete(`/api/v1/api-keys/${revoked.id}`).set(user.auth).expect(204);
    expect(problemOf(await request(api.url).get('/api/v1/users/me').set(bearer(revoked.key)).expect(401)).code).toBe(
      'UNAUTHORIZED',
    );
    await request(api.url).get('/api/v1/users/me').set(bearer(kept.key)).expect(200);
    const list = await request(api.url).get('/api/v1/api-keys').set(user.auth).expect(200);
    expect(list.body.data.map((k: CreatedKey) => k.id)).toEqual([kept.id]);
    await request(api.url).delete(`/api/v1/api-keys/${revoked.id}`).set(user.auth).expect(404);
  });

  it("answers 404 NOT_FOUND to another user's, an unknown or a malformed key id, and revokes nothing", async () => {
    const [alice, bob] = await Promise.all([registerUser(api), registerUser(api)]);
    const bobs = await createKey(bob);
    for (const id of [bobs.id, randomUUID(), 'not-a-uuid']) {
      const res = await request(api.url).delete(`/api/v1/api-keys/${id}`).set(alice.auth).expect(404);
      expect(problemOf(res).code).toBe('NOT_FOUND');
    }
    await request(api.url).get('/api/v1/users/me').set(bearer(bobs.key)).expect(200);
  });

  it.each([
    ['an unknown key', `bgk_${'A'.repeat(43)}`],
    ['a key one character short', `bgk_${'A'.repeat(42)}`],
    ['a key with a character outside base64url', `bgk_${'A'.repeat(42)}+`],
    ['the marker alone', 'bgk_'],
  ])('refuses %s with 401 UNAUTHORIZED', async (_name, key) => {
    const res = await request(api.url).get('/api/v1/users/me').set(bearer(key)).expect(401);
    expect(problemOf(res).code).toBe('UNAUTHORIZED');
  });

  it('refuses a real key with one character changed with 401', async () => {
    const user = await registerUser(api);
    const { key } = await createKey(user);
    const changed = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    await request(api.url).get('/api/v1/users/me').set(bearer(changed)).expect(401);
  });

  it('records when a key was last used', async () => {
    const user = await registerUser(api);
    const created = await createKey(user);
    await request(api.url).get('/api/v1/users/me').set(bearer(created.key)).expect(200);
    // Written beside the request, not awaited by it.
    const lastUsed = async () =>
      (await request(api.url).get('/api/v1/api-keys').set(user.auth).expect(200)).body.data[0].lastUsedAt as
        string | null;
    for (let i = 0; i < 20 && !(await lastUsed()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await lastUsed()).toMatch(TIMESTAMP);
    expect(Date.parse((await lastUsed())!)).toBeGreaterThanOrEqual(Date.parse(created.createdAt));
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ name: 42 }, 'name'],
    [{ name: 'k', readOnly: 'yes' }, 'readOnly'],
    [{ name: 'k', key: 'bgk_mine' }, 'key'],
  ])('refuses to create a key from %j with 400 VALIDATION_FAILED naming %s', async (body, field) => {
    const user = await registerUser(api);
    const res = await request(api.url).post('/api/v1/api-keys').set(user.auth).send(body).expect(400);
    expect(problemOf(res).code).toBe('VALIDATION_FAILED');
    expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
  });

  describe('lists', () => {
    let user: TestUser;
    let keys: CreatedKey[];

    beforeAll(async () => {
      user = await registerUser(api);
      keys = [];
      for (const [name, readOnly] of [
        ['k0', false],
        ['k1', true],
        ['k2', false],
      ] as const)
        keys.push(await createKey(user, { name, readOnly }));
      await createKey(await registerUser(api), { name: 'someone else' });
    });

    it("lists only the caller's keys, newest first by default", async () => {
      const res = await request(api.url).get('/api/v1/api-keys').set(user.auth).expect(200);
      expect(res.body.data.map((k: CreatedKey) => k.name)).toEqual(['k2', 'k1', 'k0']);
    });

    it('pages with a signed cursor, and refuses a tampered one', async () => {
      const first = await request(api.url).get('/api/v1/api-keys?limit=2&sort=name').set(user.auth).expect(200);
      expect(first.body.data.map((k: CreatedKey) => k.name)).toEqual(['k0', 'k1']);
      const second = await request(api.url)
        .get(`/api/v1/api-keys?limit=2&sort=name&cursor=${first.body.nextCursor}`)
        .set(user.auth)
        .expect(200);
      expect(second.body).toEqual({ data: [expect.objectContaining({ name: 'k2' })], nextCursor: null });
      const tampered = `${first.body.nextCursor.slice(0, -2)}xx`;
      expect(
        problemOf(
          await request(api.url)
            .get(`/api/v1/api-keys?limit=2&sort=name&cursor=${tampered}`)
            .set(user.auth)
            .expect(400),
        ).code,
      ).toBe('INVALID_QUERY');
    });

    it('filters and sorts by its fields', async () => {
      const readOnly = await request(api.url).get('/api/v1/api-keys?readOnly=true').set(user.auth).expect(200);
      expect(readOnly.body.data.map((k: CreatedKey) => k.id)).toEqual([keys[1].id]);
      const sorted = await request(api.url).get('/api/v1/api-keys?sort=-name&name[ne]=k1').set(user.auth).expect(200);
      expect(sorted.body.data.map((k: CreatedKey) => k.name)).toEqual(['k2', 'k0']);
      const byPrefix = await request(api.url)
        .get(`/api/v1/api-keys?prefix=${keys[0].prefix}`)
        .set(user.auth)
        .expect(200);
      expect(byPrefix.body.data.map((k: CreatedKey) => k.id)).toEqual([keys[0].id]);
    });

    it.each([
      'limit=0',
      'limit=201',
      'sort=key',
      'key=x',
      'secretHash=x',
      'readOnly=maybe',
      'id=not-a-uuid',
      'createdAt[gte]=yesterday',
      'name[like]=k',
    ])('refuses the query %s with 400 INVALID_QUERY', async (query) => {
      const res = await request(api.url).get(`/api/v1/api-keys?${query}`).set(user.auth).expect(400);
      expect(problemOf(res).code).toBe('INVALID_QUERY');
    });
  });

  describe('on another api process', () => {
    let second: RunningProcess;

    beforeAll(async () => {
      second = await startApiProcess();
    });
    afterAll(() => second.stop());

    it('takes a key created on the first, and refuses it from the request after its revocation on the first', async () => {
      const user = await registerUser(api);
      const created = await createKey(user);
      await request(second.url).get('/api/v1/users/me').set(bearer(created.key)).expect(200);
      await request(api.url).delete(`/api/v1/api-keys/${created.id}`).set(user.auth).expect(204);
      const res = await request(second.url).get('/api/v1/users/me').set(bearer(created.key)).expect(401);
      expect(problemOf(res).code).toBe('UNAUTHORIZED');
    });

    it("refuses a read-only key's write there too", async () => {
      const user = await registerUser(api);
      const { key } = await createKey(user, { name: 'reporting', readOnly: true });
      await request(second.url).get('/api/v1/accounts').set(bearer(key)).expect(200);
      expect(
        problemOf(
          await request(second.url).post('/api/v1/accounts').set(bearer(key)).send({ currency: 'USD' }).expect(403),
        ).code,
      ).toBe('FORBIDDEN');
    });
  });
});
