import { randomUUID } from 'node:crypto';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { startApp, type RunningApp } from './support/harness.js';
import { ADMIN_ENV, isolatedPrefix, loginAdmin, registerUser, uniqueEmail } from './support/users.js';

describe('users and tokens', () => {
  let api: RunningApp;

  beforeAll(async () => {
    api = await startApp(undefined, {
      env: { ...ADMIN_ENV, QUEUE_PREFIX: isolatedPrefix(), LOGIN_LIMIT_PER_EMAIL: '5', LOGIN_LIMIT_PER_IP: '1000' },
    });
  });
  afterAll(() => api.close());

  const problemOf = (res: request.Response) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status: res.status,
        detail: expect.any(String),
      }),
    );
    return res.body as { code: string; errors?: Array<{ field: string }> };
  };

  it('registers a user, mails a confirmation link and confirms it once', async () => {
    const email = uniqueEmail();
    const registered = await request(api.url)
      .post('/api/v1/auth/register')
      .send({ email: email.toUpperCase(), password: 'long enough', name: 'Ann' })
      .expect(201);
    expect(registered.body).toEqual({
      id: expect.any(String),
      email,
      name: 'Ann',
      role: 'USER',
      confirmed: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const token = api.outbox.confirmationToken(email);
    const confirmed = await request(api.url).post('/api/v1/auth/confirm').send({ token }).expect(200);
    expect(confirmed.body).toMatchObject({ id: registered.body.id, confirmed: true });
    const again = await request(api.url).post('/api/v1/auth/confirm').send({ token }).expect(400);
    expect(problemOf(again).code).toBe('INVALID_CONFIRMATION_TOKEN');
  });

  it('refuses a duplicate e-mail whatever its case with 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail();
    await request(api.url).post('/api/v1/auth/register').send({ email, password: 'long enough' }).expect(201);
    const res = await request(api.url)
      .post('/api/v1/auth/register')
      .send({ email: email.toUpperCase(), password: 'long enough' })
      .expect(409);
    expect(problemOf(res).code).toBe('EMAIL_TAKEN');
  });

  it.each([
    [{ email: 'not-an-email', password: 'long enough' }, 'email'],
    [{ email: uniqueEmail(), password: 'short' }, 'password'],
    [{ email: uniqueEmail(), password: 'long enough', role: 'ADMIN' }, 'role'],
    [{ email: uniqueEmail(), password: 'long enough', confirmed: true }, 'confirmed'],
  ])('refuses registration %j with 400 VALIDATION_FAILED naming %s', async (body, field) => {
    const res = await request(api.url).post('/api/v1/auth/register').send(body).expect(400);
    const problem = problemOf(res);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });

  it('answers a body that is not JSON with 400 INVALID_JSON and one over 100 KiB with 413', async () => {
    const bad = await request(api.url)
      .post('/api/v1/auth/register')
      .set('Content-Type', 'application/json')
      .send('{"email":')
      .expect(400);
    expect(problemOf(bad).code).toBe('INVALID_JSON');
    const big = await request(api.url)
      .post('/api/v1/auth/register')
      .send({ email: uniqueEmail(), password: 'x'.repeat(120 * 1024) })
      .expect(413);
    expect(problemOf(big).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses bad confirmation tokens with 400 INVALID_CONFIRMATION_TOKEN', async () => {
    const res = await request(api.url).post('/api/v1/auth/confirm').send({ token: 'nope' }).expect(400);
    expect(problemOf(res).code).toBe('INVALID_CONFIRMATION_TOKEN');
  });

  it('resends a confirmation link that replaces the earlier one', async () => {
    const user = await registerUser(api, { confirmed: false });
    const first = api.outbox.confirmationToken(user.email);
    await request(api.url).post('/api/v1/auth/confirm/resend').set(user.auth).expect(202);
    const second = api.outbox.confirmationToken(user.email);
    expect(second).not.toBe(first);
    await request(api.url).post('/api/v1/auth/confirm').send({ token: first }).expect(400);
    await request(api.url).post('/api/v1/auth/confirm').send({ token: second }).expect(200);
  });

  it('answers wrong password and unknown e-mail identically with 401 INVALID_CREDENTIALS', async () => {
    const user = await registerUser(api);
    const wrong = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'wrong password' })
      .expect(401);
    const unknown = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: uniqueEmail(), password: 'wrong password' })
      .expect(401);
    expect(problemOf(wrong)).toEqual({ ...problemOf(unknown) });
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('issues independent tokens per login, lists them without secrets and revokes one at a time', async () => {
    const user = await registerUser(api);
    const second = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password, tokenName: 'phone' })
      .expect(201);
    expect(second.body).toEqual({
      accessToken: expect.any(String),
      tokenId: expect.any(String),
      expiresAt: expect.any(String),
    });
    const secondAuth = { Authorization: `Bearer ${second.body.accessToken}` };

    const list = await request(api.url).get('/api/v1/auth/tokens').set(user.auth).expect(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.nextCursor).toBeNull();
    expect(Object.keys(list.body.data[0]).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
    expect(list.body.data[0]).toMatchObject({ id: second.body.tokenId, name: 'phone' });

    await request(api.url).delete(`/api/v1/auth/tokens/${second.body.tokenId}`).set(user.auth).expect(204);
    const refused = await request(api.url).get('/api/v1/users/me').set(secondAuth).expect(401);
    expect(problemOf(refused).code).toBe('UNAUTHORIZED');
    await request(api.url).get('/api/v1/users/me').set(user.auth).expect(200);
    const after = await request(api.url).get('/api/v1/auth/tokens').set(user.auth).expect(200);
    expect(after.body.data).toHaveLength(1);
    // The token in use records when it was last used (written beside the request, not awaited by it).
    const used = async () =>
      (await request(api.url).get('/api/v1/auth/tokens').set(user.auth).expect(200)).body.data[0].lastUsedAt;
    for (let i = 0; i < 20 && !(await used()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await used()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('pages tokens with a signed cursor and refuses a tampered one', async () => {
    const user = await registerUser(api);
    for (let i = 0; i < 3; i++)
      await request(api.url)
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: user.password, tokenName: `t${i}` })
        .expect(201);
    const first = await request(api.url).get('/api/v1/auth/tokens?limit=2&sort=name').set(user.auth).expect(200);
    expect(first.body.data.map((t: { name: string }) => t.name)).toEqual(['t0', 't1']);
    const second = await request(api.url)
      .get(`/api/v1/auth/tokens?limit=2&sort=name&cursor=${first.body.nextCursor}`)
      .set(user.auth)
      .expect(200);
    expect(second.body.data.map((t: { name: string | null }) => t.name)).toEqual(['t2', null]);
    expect(second.body.nextCursor).toBeNull();
    const tampered = `${first.body.nextCursor.slice(0, -2)}xx`;
    const res = await request(api.url)
      .get(`/api/v1/auth/tokens?limit=2&sort=name&cursor=${tampered}`)
      .set(user.auth)
      .expect(400);
    expect(problemOf(res).code).toBe('INVALID_QUERY');
  });

  it.each([
    'limit=0',
    'limit=201',
    'sort=secret',
    'createdAt[gte]=yesterday',
    'id=not-a-uuid',
    'name[like]=x',
    'passwordHash=x',
  ])('refuses the token list query %s with 400 INVALID_QUERY', async (query) => {
    const user = await registerUser(api);
    const res = await request(api.url).get(`/api/v1/auth/tokens?${query}`).set(user.auth).expect(400);
    expect(problemOf(res).code).toBe('INVALID_QUERY');
  });

  it('logs out the token in use only', async () => {
    const user = await registerUser(api);
    const other = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(201);
    await request(api.url).post('/api/v1/auth/logout').set(user.auth).expect(204);
    await request(api.url).get('/api/v1/users/me').set(user.auth).expect(401);
    await request(api.url).get('/api/v1/users/me').set('Authorization', `Bearer ${other.body.accessToken}`).expect(200);
  });

  it("answers 404 for another user's token id, so tokens are not leaked", async () => {
    const alice = await registerUser(api);
    const bob = await registerUser(api);
    await request(api.url)
      .delete(`/api/v1/auth/tokens/${(jwt.decode(bob.token) as { jti: string }).jti}`)
      .set(alice.auth)
      .expect(404);
    await request(api.url).delete('/api/v1/auth/tokens/not-a-uuid').set(alice.auth).expect(404);
    await request(api.url).get('/api/v1/users/me').set(bob.auth).expect(200);
  });

  it.each([
    ['no token', undefined],
    ['garbage', 'Bearer nope'],
    [
      'another key',
      `Bearer ${jwt.sign({ sub: '00000000-0000-4000-8000-000000000000', jti: '00000000-0000-4000-8000-000000000000' }, 'another-key')}`,
    ],
    ['alg none', `Bearer ${jwt.sign({ sub: 'x', jti: 'y' }, '', { algorithm: 'none' })}`],
  ])('refuses %s with 401 UNAUTHORIZED', async (_name, header) => {
    const req = request(api.url).get('/api/v1/users/me');
    const res = await (header ? req.set('Authorization', header) : req).expect(401);
    expect(problemOf(res).code).toBe('UNAUTHORIZED');
  });

  it('refuses an expired token with 401', async () => {
    const user = await registerUser(api);
    const { sub, jti } = jwt.decode(user.token) as { sub: string; jti: string };
    const expired = jwt.sign({ sub, jti, exp: Math.floor(Date.now() / 1000) - 10 }, api.config.jwtSecret);
    await request(api.url).get('/api/v1/users/me').set('Authorization', `Bearer ${expired}`).expect(401);
  });

  it('refuses a well-signed token whose row has expired, and takes it again once the row is live', async () => {
    const user = await registerUser(api);
    const { jti } = jwt.decode(user.token) as { jti: string };
    const setExpiry = (sql: string) =>
      api.app.get(DataSource).query(`UPDATE access_tokens SET expires_at = ${sql} WHERE id = $1`, [jti]);
    await setExpiry(`now() - interval '1 second'`);
    const res = await request(api.url).get('/api/v1/users/me').set(user.auth).expect(401);
    expect(problemOf(res).code).toBe('UNAUTHORIZED');
    await setExpiry(`now() + interval '1 hour'`);
    await request(api.url).get('/api/v1/users/me').set(user.auth).expect(200);
  });

  it('shows the caller with users/me, and the administrator created at start-up', async () => {
    const user = await registerUser(api);
    const me = await request(api.url).get('/api/v1/users/me').set(user.auth).expect(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email, role: 'USER', confirmed: true });
    const slashed = await request(api.url).get('/api/v1/users/me/').set(user.auth).expect(200); // a trailing slash changes nothing
    expect(slashed.body).toEqual(me.body);
    const admin = await loginAdmin(api);
    const adminMe = await request(api.url).get('/api/v1/users/me').set(admin.auth).expect(200);
    expect(adminMe.body).toMatchObject({ email: ADMIN_ENV.ADMIN_EMAIL, role: 'ADMIN', confirmed: true });
  });

  it('limits login attempts per e-mail with 429 and Retry-After, counting failures too', async () => {
    const user = await registerUser(api); // registration and login: 2 of the 5 attempts
    for (let i = 0; i < 3; i++)
      await request(api.url)
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: 'wrong password' })
        .expect(401);
    const res = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(429);
    expect(problemOf(res).code).toBe('TOO_MANY_REQUESTS');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('echoes X-Request-Id and generates one when absent', async () => {
    const echoed = await request(api.url).get('/health').set('X-Request-Id', 'req-123').expect(200);
    expect(echoed.headers['x-request-id']).toBe('req-123');
    const generated = await request(api.url).get('/api/v1/nowhere').expect(404);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(problemOf(generated).code).toBe('NOT_FOUND');
  });

  it('serves health, metrics and the OpenAPI document', async () => {
    const health = await request(api.url).get('/health').expect(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' }, redis: { status: 'up' }, 'queue:payments': { status: 'up' } },
    });
    await request(api.url).get(`/api/v1/payments/${randomUUID()}`).expect(401);
    await request(api.url).get('/no-such-page').expect(404);
    const metrics = await request(api.url).get('/metrics').expect(200);
    // Labelled by the route's pattern, never by the URL with its ids.
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/payments\/:id",status="401"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} [1-9]/,
    );
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
    const docs = await request(api.url).get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/register', '/api/v1/auth/tokens/{id}', '/api/v1/users/me']),
    );
  });
});
