/**
 * SIGTERM to an api process with requests in flight: they finish with their normal answers, the
 * process exits, and every payment it accepted is stored and later finished once.
 * (The worker's SIGTERM, SIGKILL and racing workers are covered by test/crash.e2e-spec.ts.)
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { startApp, type RunningApp } from '../support/harness.js';
import { startApiProcess } from '../support/processes.js';
import { ADMIN_ENV, loginAdmin, type TestUser } from '../support/users.js';
import { fundedRing } from './promises.js';

const CLIENT_TIMEOUT_MS = 15_000;

describe('graceful shutdown of the api', () => {
  let setup: RunningApp;
  let db: DataSource;
  let admin: TestUser;

  beforeAll(async () => {
    setup = await startApp(undefined, { env: ADMIN_ENV });
    db = setup.app.get<DataSource>(getDataSourceToken());
    admin = await loginAdmin(setup);
  });
  afterAll(() => setup?.close());

  it('lets in-flight logins and payments finish with 2xx after SIGTERM, then exits; every accepted payment is stored and finished once', async () => {
    const ring = await fundedRing(setup, admin, 4);
    const api = await startApiProcess({
      ...ADMIN_ENV,
      LOGIN_LIMIT_PER_EMAIL: '1000',
      LOGIN_LIMIT_PER_IP: '1000',
      LOG_LEVEL: 'silent',
    });
    // A login spends a memory-hard hash, so a few dozen of them keep the api busy for a while.
    const logins = Array.from({ length: 40 }, (_, i) =>
      request(api.url)
        .post('/api/v1/auth/login')
        .timeout(CLIENT_TIMEOUT_MS)
        .send({ email: ring.users[i % ring.users.length].email, password: ring.users[0].password }),
    );
    const payments = Array.from({ length: 20 }, (_, i) =>
      request(api.url)
        .post('/api/v1/payments')
        .set(ring.users[i % 4].auth)
        .set('Idempotency-Key', randomUUID())
        .timeout(CLIENT_TIMEOUT_MS)
        .send({ fromAccountId: ring.accounts[i % 4], toAccountId: ring.accounts[(i + 1) % 4], amount: '1.00' }),
    );
    const answers = [...logins, ...payments].map((req) => req.then((res) => res));
    await Promise.race(answers);

    const stopped = api.stop();
    const settled = await Promise.allSettled(answers);
    await stopped;

    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.status : String(s.reason)))).toEqual([
      ...Array(40).fill(201),
      ...Array(20).fill(202),
    ]);
    const ids = settled.slice(40).map((s) => (s as PromiseFulfilledResult<request.Response>).value.body.id as string);
    await request(setup.url).post('/api/v1/admin/sweep').set(admin.auth).send({ olderThanMs: 0 }).expect(200);
    const stored = await db.query<Array<{ status: string; legs: number }>>(
      `SELECT p.status, (SELECT count(*)::int FROM operations o WHERE o.payment_id = p.id) AS legs FROM payments p WHERE p.id = ANY($1::uuid[])`,
      [ids],
    );
    expect(stored).toHaveLength(20);
    expect(
      stored.every((p) => (p.status === 'COMPLETED' && p.legs === 4) || (p.status === 'FAILED' && p.legs === 0)),
    ).toBe(true);
  });
});
