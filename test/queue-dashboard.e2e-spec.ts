import request from 'supertest';
import { startApp, type RunningApp } from './support/harness.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from './support/users.js';

describe('queue dashboard at /admin/queues', () => {
  let running: RunningApp;
  let admin: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    running = await startApp(undefined, { env: ADMIN_ENV });
    admin = await loginAdmin(running);
    user = await registerUser(running);
  });
  afterAll(() => running.close());

  const sessionCookie = async (token: string) => {
    const res = await request(running.url)
      .post('/api/v1/admin/queues/session')
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    return (res.headers['set-cookie'] as unknown as string[])[0];
  };

  it('answers 401 problem details to an anonymous visitor', async () => {
    const res = await request(running.url).get('/admin/queues').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it("answers 403 to a user's token", async () => {
    const res = await request(running.url).get('/admin/queues').set(user.auth).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it("shows the dashboard to an administrator's bearer token, with the payments queue", async () => {
    const page = await request(running.url).get('/admin/queues').set(admin.auth).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const api = await request(running.url).get('/admin/queues/api/queues').set(admin.auth).expect(200);
    expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(['payments']);
  });

  it('lets an administrator open a browser session: an HttpOnly, SameSite=Strict cookie scoped to the dashboard', async () => {
    const cookie = await sessionCookie(admin.token);
    expect(cookie).toMatch(/^queue_dashboard_token=[^;]+; Path=\/admin\/queues; HttpOnly; SameSite=Strict$/);
    await request(running.url).get('/admin/queues').set('Cookie', cookie.split(';')[0]).expect(200);
    await request(running.url).get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]).expect(200);
  });

  it('refuses a session to a user (403) and to nobody (401)', async () => {
    await request(running.url).post('/api/v1/admin/queues/session').set(user.auth).expect(403);
    await request(running.url).post('/api/v1/admin/queues/session').expect(401);
  });

  it("refuses a user's token in the cookie with 403, and a tampered one with 401", async () => {
    await request(running.url).get('/admin/queues').set('Cookie', `queue_dashboard_token=${user.token}`).expect(403);
    await request(running.url).get('/admin/queues').set('Cookie', `queue_dashboard_token=${admin.token}x`).expect(401);
  });

  it("shows the dashboard to an administrator's read-only API key, and refuses it every change with 403", async () => {
    const created = await request(running.url)
      .post('/api/v1/api-keys')
      .set(admin.auth)
      .send({ name: 'dashboard', readOnly: true })
      .expect(201);
    const key = { Authorization: `Bearer ${created.body.key}` };
    await request(running.url).get('/admin/queues/api/queues').set(key).expect(200);
    // An unknown queue: were the key let through, nothing would be paused.
    const res = await request(running.url).put('/admin/queues/api/queues/no-such-queue/pause').set(key).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    await request(running.url).post('/api/v1/admin/queues/session').set(key).expect(403);
  });

  it('closes the dashboard once the token in the cookie is revoked', async () => {
    const other = await loginAdmin(running);
    const cookie = (await sessionCookie(other.token)).split(';')[0];
    await request(running.url).post('/api/v1/auth/logout').set(other.auth).expect(204);
    await request(running.url).get('/admin/queues').set('Cookie', cookie).expect(401);
  });
});
