/**
 * PostgreSQL "restarted" in the middle of a burst of payments.
 *
 * The real PostgreSQL is shared with other test runs, so it is never restarted: the api and the
 * worker (real processes, `npm run build` first) reach it through a TCP relay on 127.0.0.1 that the
 * test cuts — every open connection closed, new ones refused — for a few seconds, then reopens on
 * the same port. To the app that is exactly a restart. Set-up and the final checks use their own,
 * direct connections.
 */
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { PaymentBurst, type Ring } from '../support/burst.js';
import { testDatabaseUrl } from '../support/harness.js';
import type { RunningProcess } from '../support/processes.js';
import { Relay } from '../support/relay.js';
import type { TestUser } from '../support/users.js';
import {
  expectEveryPaymentFinalOnce,
  expectOnlyAcceptedOrUnavailable,
  expectOutageAnswer,
  type FaultStage,
  stageBehindRelay,
} from './promises.js';

const OUTAGE_MS = 4000;

describe('PostgreSQL restarted during a burst of payments', () => {
  const relay = Relay.to(testDatabaseUrl(), 5432);
  let stage: FaultStage;
  let db: DataSource;
  let admin: TestUser;
  let api: RunningProcess;
  let ring: Ring;

  beforeAll(async () => {
    stage = await stageBehindRelay(relay, () => ({ DATABASE_URL: relay.address(testDatabaseUrl()) }));
    ({ db, admin, api, ring } = stage);
  });
  afterAll(() => stage?.stop());

  it('answers 503 problem details while it is down, recovers by itself, and after one sweep every payment is final, once, with a zero trial balance', async () => {
    const burst = new PaymentBurst(() => api.url, ring);
    burst.start(8, 60);
    await burst.until(20);

    burst.phase = 'during';
    await relay.cut();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const health = await request(api.url).get('/health').timeout(10_000).expect(503);
    expect(health.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    await relay.open();
    burst.phase = 'after';
    await burst.until(20);
    await burst.stop();

    expectOnlyAcceptedOrUnavailable(burst);
    const duringOutage = burst.answers.filter((a) => a.phase === 'during');
    expect(duringOutage.length).toBeGreaterThan(0);
    duringOutage.filter((a) => a.status !== 202 && a.status !== 200).forEach(expectOutageAnswer);
    expect(duringOutage.some((a) => a.status === 503)).toBe(true);
    await request(api.url).get('/health').timeout(10_000).expect(200);

    await expectEveryPaymentFinalOnce(db, api, admin, ring, burst);
  });
});
