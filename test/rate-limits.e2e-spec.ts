import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisBudget } from '#platform';
import { startApp } from './support/harness.js';
import { type RunningProcess, startApiProcess } from './support/processes.js';
import { Relay } from './support/relay.js';

/** Each test its own Redis keys: the budgets of one test must not be spent by another. */
const ownBudgets = (limits: Record<string, string>) => ({
  QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-limits-${randomUUID()}`,
  ...limits,
});

const get = (api: RunningProcess, path: string, token?: string) =>
  fetch(`${api.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

function budgetOf(res: Response) {
  return {
    limit: res.headers.get('ratelimit-limit'),
    remaining: res.headers.get('ratelimit-remaining'),
    reset: Number(res.headers.get('ratelimit-reset')),
  };
}

describe('API-wide rate limits', () => {
  const started: RunningProcess[] = [];
  const start = async (limits: Record<string, string>, count = 1) => {
    const env = ownBudgets(limits);
    const apis: RunningProcess[] = [];
    for (let i = 0; i < count; i++) apis.push(await startApiProcess(env));
    started.push(...apis);
    return apis;
  };
  afterAll(() => Promise.all(started.map((api) => api.stop())));

  it('counts each request of a credential, says what is left, and answers 429 with Retry-After past it', async () => {
    const [api] = await start({ RATE_LIMIT_PER_CREDENTIAL: '3', RATE_LIMIT_PER_IP: '1000' });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await get(api, '/api/v1/users/me', 'token-of-alice'));
    expect(answers.map((res) => res.status)).toEqual([401, 401, 401]); // counted whether or not the credential is good
    expect(answers.map((res) => budgetOf(res).remaining)).toEqual(['2', '1', '0']);
    expect(budgetOf(answers[0])).toMatchObject({ limit: '3' });
    expect(budgetOf(answers[0]).reset).toBeGreaterThanOrEqual(1);
    expect(budgetOf(answers[0]).reset).toBeLessThanOrEqual(60);

    const refused = await get(api, '/api/v1/users/me', 'token-of-alice');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      detail: expect.stringContaining('too many requests'),
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(budgetOf(refused)).toMatchObject({ limit: '3', remaining: '0' });

    // Another credential has its own budget.
    expect((await get(api, '/api/v1/users/me', 'token-of-bob')).status).toBe(401);
  });

  it('holds a budget per IP across api instances, and leaves /health and /metrics out', async () => {
    const apis = await start({ RATE_LIMIT_PER_CREDENTIAL: '1000', RATE_LIMIT_PER_IP: '4' }, 2);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(apis[i % 2], '/api/v1/rates')).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    for (const api of apis) expect((await get(api, '/api/v1/rates')).status).toBe(429);
    for (const api of apis) {
      expect((await get(api, '/health')).status).toBe(200);
      expect((await get(api, '/metrics')).status).toBe(200);
    }
  });

  it('is off with 0: no budget, no RateLimit headers', async () => {
    const api = await startApp(undefined, {
      env: ownBudgets({ RATE_LIMIT_PER_CREDENTIAL: '0', RATE_LIMIT_PER_IP: '0' }),
    });
    try {
      const res = await fetch(`${api.url}/api/v1/rates`, { headers: { authorization: 'Bearer some-token' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    } finally {
      await api.close();
    }
  });
});

describe('RedisBudget', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const relay = Relay.to(redisUrl, 6379);
  let redis: Redis | undefined;
  afterAll(async () => {
    redis?.disconnect();
    await relay.cut();
  });

  it('counts from a budget of its own, without holding the request, when Redis accepts but never answers', async () => {
    await relay.open();
    await relay.stall();
    redis = new Redis(relay.address(redisUrl), { enableReadyCheck: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    const budget = new RedisBudget(redis, `${process.env.QUEUE_PREFIX}-stalled`, 2);
    const states = [await budget.spend('client'), await budget.spend('client'), await budget.spend('client')];
    expect(states.map((state) => state.exceeded)).toEqual([false, false, true]);
  });
});
