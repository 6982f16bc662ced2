import { getDataSourceToken } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import request from 'supertest';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Ring } from './support/burst.js';
import { startApp, type RunningApp } from './support/harness.js';
import { deposit, openAccount, settled, trialBalance } from './support/money.js';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';
import { type RunningProcess, startWorkerProcess } from './support/processes.js';
import { until } from './support/until.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from './support/users.js';

/** The recovery contract: what a restarted worker found waiting or stalled is final this soon after it is healthy. */
const RECOVERED_WITHIN_MS = 5000;
const RING = 4;

/**
 * A worker killed (SIGKILL) in the middle of a burst, with a job held in Bull's active list, and
 * restarted: everything it left, and everything accepted while it was down, is final within
 * RECOVERED_WITHIN_MS of the new worker being healthy, at the default sweep and queue settings.
 * In a database of its own, so that no other file's leftovers are in the count.
 */
describe('a worker restarted after a crash', () => {
  let database: OwnDatabase;
  let api: RunningApp;
  let db: DataSource;
  let admin: TestUser;
  let redis: Redis;
  let blocker: QueryRunner | undefined;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    database = await ownDatabase('recovery');
    api = await startApp(undefined, { env: { ...ADMIN_ENV, ...database.env } });
    db = api.app.get<DataSource>(getDataSourceToken());
    admin = await loginAdmin(api);
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await blocker?.release();
    await Promise.all(workers.map((w) => w.kill()));
    redis?.disconnect();
    await api?.close();
    await database?.drop();
  });

  async function worker() {
    const started = await startWorkerProcess({ ...ADMIN_ENV, ...database.env, LOG_LEVEL: 'silent' });
    workers.push(started);
    return started;
  }

  async function holders(count: number) {
    const users = await Promise.all(Array.from({ length: count }, () => registerUser(api)));
    const accounts = await Promise.all(users.map((u) => openAccount(api, u)));
    await Promise.all(accounts.map((a) => deposit(api, admin, a, '50.00')));
    return { users, accounts };
  }

  const transfers = ({ users, accounts }: Ring, count: number, body: object = {}) =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const [from, to] = [i % accounts.length, (i + 1) % accounts.length];
        const res = await request(api.url)
          .post('/api/v1/payments')
          .set(users[from].auth)
          .send({ fromAccountId: accounts[from], toAccountId: accounts[to], amount: '1.00', ...body })
          .expect(202);
        return res.body.id as string;
      }),
    );

  const post = (path: string, body: object) => request(api.url).post(`/api/v1${path}`).set(admin.auth).send(body);

  /** When each payment left INITIATED, in epoch ms (a hold: its expiry less HOLD_TTL_MS); null while INITIATED. */
  async function leftInitiatedAt(ids: string[]): Promise<Map<string, number | null>> {
    const rows = await db.query<Array<{ id: string; at: number | null }>>(
      `SELECT id, extract(epoch FROM coalesce(processed_at, expires_at - $2 * interval '1 ms'))::float8 * 1000 AS at
         FROM payments
        WHERE id = ANY($1::uuid[])`,
      [ids, api.config.holdTtlMs],
    );
    return new Map(rows.map((r) => [r.id, r.at]));
  }

  const LEFT = 'what was stalled, waiting or accepted while it was down';
  it(`finishes ${LEFT} within seconds of being healthy again; the ledger balances`, async () => {
    const first = await worker();
    const ring = await holders(RING);
    const [parent] = await transfers(ring, 1, { amount: '5.00' });
    const [hold] = await transfers(ring, 1, { capture: 'manual' });
    expect((await settled(api, admin, parent)).status).toBe('COMPLETED');
    expect((await settled(api, admin, hold)).status).toBe('AUTHORIZED');

    // A posting held up by a row lock keeps its job active in Bull, lock and all, when the worker dies.
    blocker = db.createQueryRunner();
    await blocker.startTransaction();
    await blocker.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [ring.accounts[0]]);
    const active = () => redis.llen(`${database.env.QUEUE_PREFIX}:payments:active`);
    const sending = transfers(ring, 40);
    await until('a job held up in the worker', async () => ((await active()) > 0 ? true : undefined));
    await first.kill();
    const inFlight = await sending;
    expect(await active()).toBeGreaterThan(0);
    await blocker.commitTransaction();
    await blocker.release();
    blocker = undefined;

    // While no worker runs: transfers, an authorization, a refund are accepted; a capture is made by the api itself.
    const whileDown = [
      ...(await transfers(ring, 20)),
      ...(await transfers(ring, 2, { capture: 'manual' })),
      (await post(`/payments/${parent}/refunds`, { amount: '2.00' }).expect(202)).body.id as string,
    ];
    expect((await post(`/payments/${hold}/capture`, {}).expect(200)).body.status).toBe('COMPLETED');

    await worker();
    const healthyAt = Date.now();
    const ids = [...inFlight, ...whileDown];
    // Waited for well past the contract, so that a miss says by how much.
    const finalAt = await until(
      'every payment out of INITIATED',
      async () => {
        const at = await leftInitiatedAt(ids);
        return [...at.values()].every((t) => t !== null) ? at : undefined;
      },
      100_000,
    );
    const lateBy = (id: string) => (finalAt.get(id) ?? Infinity) - healthyAt;
    expect(ids.filter((id) => lateBy(id) > RECOVERED_WITHIN_MS).map((id) => [id, lateBy(id)])).toEqual([]);

    const legs = await db.query<Array<{ id: string; status: string; n: number }>>(
      `SELECT p.id, p.status, count(o.id)::int AS n FROM payments p LEFT JOIN operations o ON o.payment_id = p.id
        WHERE p.id = ANY($1::uuid[]) AND p.type = 'TRANSFER' AND p.capture = 'automatic' GROUP BY p.id, p.status`,
      [ids],
    );
    for (const { id, status, n } of legs) expect([id, status, n]).toEqual([id, status, status === 'COMPLETED' ? 4 : 0]);
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
  }, 150_000);
});
