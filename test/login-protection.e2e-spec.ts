import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { startApp, type RunningApp } from './support/harness.js';
import { isolatedPrefix, registerUser, uniqueEmail } from './support/users.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const register = (api: RunningApp, email = uniqueEmail()) =>
  request(api.url).post('/api/v1/auth/register').send({ email, password: 'long enough' });
const login = (api: RunningApp, email: string, password = 'wrong password') =>
  request(api.url).post('/api/v1/auth/login').send({ email, password });

function expectTooManyRequests(res: request.Response) {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('TOO_MANY_REQUESTS');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
}

describe('login protection', () => {
  const running: RunningApp[] = [];
  const start = async (env: Record<string, string>) => {
    const api = await startApp(undefined, { env });
    running.push(api);
    return api;
  };
  afterAll(() => Promise.all(running.map((api) => api.close())));

  it('spends about as long on an unknown e-mail as on a wrong password, so timing does not reveal accounts', async () => {
    const api = await start({
      QUEUE_PREFIX: isolatedPrefix(),
      LOGIN_LIMIT_PER_EMAIL: '1000',
      LOGIN_LIMIT_PER_IP: '1000',
    });
    const user = await registerUser(api);
    const timed = async (email: string) => {
      const began = performance.now();
      await login(api, email).expect(401);
      return performance.now() - began;
    };
    await timed(uniqueEmail());
    await timed(user.email);

    const unknownEmail: number[] = [];
    const wrongPassword: number[] = [];
    for (let i = 0; i < 10; i++) {
      unknownEmail.push(await timed(uniqueEmail()));
      wrongPassword.push(await timed(user.email));
    }
    const ratio = median(unknownEmail) / median(wrongPassword);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('counts registrations against the per-IP budget, then answers 429 with Retry-After to registrations and logins alike', async () => {
    const api = await start({ QUEUE_PREFIX: isolatedPrefix(), LOGIN_LIMIT_PER_IP: '4', LOGIN_LIMIT_PER_EMAIL: '100' });
    for (let i = 0; i < 4; i++) await register(api).expect(201);
    expectTooManyRequests(await register(api));
    expectTooManyRequests(await login(api, uniqueEmail()));
  });

  it('holds the per-IP limit across two api instances sharing Redis', async () => {
    const env = { QUEUE_PREFIX: isolatedPrefix(), LOGIN_LIMIT_PER_IP: '4', LOGIN_LIMIT_PER_EMAIL: '100' };
    const [first, second] = [await start(env), await start(env)];
    await login(first, uniqueEmail()).expect(401);
    await register(second).expect(201);
    await login(second, uniqueEmail()).expect(401);
    await login(first, uniqueEmail()).expect(401);
    expectTooManyRequests(await login(second, uniqueEmail()));
    expectTooManyRequests(await register(first));
  });

  it('holds the per-e-mail limit across two api instances sharing Redis, even for the right password', async () => {
    const env = { QUEUE_PREFIX: isolatedPrefix(), LOGIN_LIMIT_PER_IP: '100', LOGIN_LIMIT_PER_EMAIL: '3' };
    const [first, second] = [await start(env), await start(env)];
    const email = uniqueEmail();
    await register(first, email).expect(201);
    await login(second, email).expect(401);
    await login(first, email, 'long enough').expect(201);
    expectTooManyRequests(await login(second, email, 'long enough'));
    expectTooManyRequests(await login(first, email, 'long enough'));
    await login(second, uniqueEmail()).expect(401);
  });
});
