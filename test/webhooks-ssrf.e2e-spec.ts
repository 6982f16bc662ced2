import request from 'supertest';
import { startApp, type RunningApp } from './support/harness.js';
import { registerUser, type TestUser } from './support/users.js';

const API = '/api/v1/webhook-endpoints';

/** Outside development and tests (WEBHOOK_ALLOW_INSECURE unset), a webhook cannot be pointed at the gateway's own network. */
describe('webhook endpoints that would reach a private network', () => {
  let api: RunningApp;
  let user: TestUser;

  beforeAll(async () => {
    api = await startApp(undefined, { env: { WEBHOOK_ALLOW_INSECURE: 'false' } });
    user = await registerUser(api);
  });
  afterAll(() => api.close());

  it.each([
    ['plain http', 'http://93.184.216.34/hooks'],
    ['loopback', 'https://127.0.0.1/hooks'],
    ['loopback by name', 'https://localhost/hooks'],
    ['loopback written in hex', 'https://0x7f000001/hooks'],
    ['IPv6 loopback', 'https://[::1]/hooks'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks'],
    ['private 10/8', 'https://10.0.0.5/hooks'],
    ['private 172.16/12', 'https://172.20.1.1/hooks'],
    ['private 192.168/16', 'https://192.168.0.10/hooks'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['carrier-grade NAT', 'https://100.64.0.1/hooks'],
    ['this network', 'https://0.0.0.0/hooks'],
    ['multicast', 'https://224.0.0.251/hooks'],
    ['broadcast', 'https://255.255.255.255/hooks'],
    ['IPv6 unique local', 'https://[fd00::1]/hooks'],
    ['IPv6 link-local', 'https://[fe80::1]/hooks'],
    ['credentials in the URL', 'https://user:secret@93.184.216.34/hooks'],
    ['a name that does not resolve', 'https://no-such-host.invalid/hooks'],
    ['a URL too long', `https://93.184.216.34/${'a'.repeat(2040)}`],
    ['not a URL at all', 'hooks.example.com'],
  ])('refuses %s with 400 INVALID_WEBHOOK_URL', async (_, url) => {
    const res = await request(api.url).post(API).set(user.auth).send({ url }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'INVALID_WEBHOOK_URL',
      errors: [{ field: 'url', message: expect.any(String) }],
    });
  });

  it('accepts https to a public address, and refuses to change it to a private one', async () => {
    const created = await request(api.url)
      .post(API)
      .set(user.auth)
      .send({ url: 'https://93.184.216.34/hooks' })
      .expect(201);
    const res = await request(api.url)
      .patch(`${API}/${created.body.id}`)
      .set(user.auth)
      .send({ url: 'https://10.1.2.3/hooks' })
      .expect(400);
    expect(res.body.code).toBe('INVALID_WEBHOOK_URL');
    const shown = await request(api.url).get(`${API}/${created.body.id}`).set(user.auth).expect(200);
    expect(shown.body.url).toBe('https://93.184.216.34/hooks');
    await request(api.url).delete(`${API}/${created.body.id}`).set(user.auth).expect(204);
  });
});
