import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import Bull from 'bull';
import request from 'supertest';
import type { DataSource, QueryRunner } from 'typeorm';
import { startApp, type RunningApp } from './support/harness.js';
import { deposit, openAccount, trialBalance } from './support/money.js';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';
import { type RunningProcess, startWorkerProcess } from './support/processes.js';
import { until } from './support/until.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from './support/users.js';

// No commission: a completed transfer is then exactly two operations and its amount alone.
const ENV = { ...ADMIN_ENV, COMMISSION_SCHEDULE: '{"TRANSFER":{"bps":0,"min":0}}' };
const ITEMS = 1000;
const CENT = 1n;

interface GroupPlan {
  from: string;
  to: string;
  /** Each item's amount in cents. */
  amounts: bigint[];
}

interface GroupState {
  status: string;
  /** Per payment status, how many payments, and how many operations they have. */
  payments: Map<string, { payments: number; operations: number }>;
}

/**
 * Payment groups are posted whole in one ledger transaction: a worker killed (SIGKILL) while a
 * group's transaction is open leaves nothing of it, and the restarted worker posts it once, whole.
 * In a database of its own, so that the queue and the ledger hold this file's groups alone.
 */
describe('payment groups and workers that crash or race', () => {
  let database: OwnDatabase;
  let api: RunningApp;
  let db: DataSource;
  let admin: TestUser;
  let payer: TestUser;
  let payee: TestUser;
  let blocker: QueryRunner | undefined;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    database = await ownDatabase('groupcrash');
    api = await startApp(undefined, { env: { ...ENV, ...database.env } });
    db = api.app.get<DataSource>(getDataSourceToken());
    admin = await loginAdmin(api);
    [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
  });
  afterAll(async () => {
    await blocker?.release();
    await Promise.all(workers.map((w) => w.kill()));
    await api?.close();
    await database?.drop();
  });

  async function worker() {
    const started = await startWorkerProcess({ ...ENV, ...database.env, LOG_LEVEL: 'silent' });
    workers.push(started);
    return started;
  }

  /** Accounts of the group's own, so that its sum shows in their balances (a worker must run, to post the deposit). */
  async function plan(amounts: bigint[], funds: string): Promise<GroupPlan> {
    const [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee)]);
    await deposit(api, admin, from, funds);
    return { from, to, amounts };
  }

  const money = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;

  async function send({ from, to, amounts }: GroupPlan): Promise<{ id: string; paymentIds: string[] }> {
    const items = amounts.map((amount) => ({
      type: 'TRANSFER',
      fromAccountId: from,
      toAccountId: to,
      amount: money(amount),
    }));
    const res = await request(api.url).post('/api/v1/payment-groups').set(payer.auth).send({ items }).expect(202);
    expect(res.body).toMatchObject({ status: 'INITIATED', atomic: true, itemCount: amounts.length });
    return { id: res.body.id, paymentIds: res.body.payments.map((p: { id: string }) => p.id) };
  }

  async function balances(accounts: string[]): Promise<Map<string, bigint>> {
    const rows = await db.query<Array<{ id: string; balance: string }>>(
      `SELECT id, balance::text AS balance FROM accounts WHERE id = ANY($1::uuid[])`,
      [accounts],
    );
    return new Map(rows.map((r) => [r.id, BigInt(r.balance)]));
  }

  async function stateOf(groupId: string): Promise<GroupState> {
    const rows = await db.query<Array<{ group_status: string; status: string; payments: number; operations: number }>>(
      `SELECT g.status AS group_status, p.status, count(DISTINCT p.id)::int AS payments, count(o.id)::int AS operations
         FROM payment_groups g
         JOIN payments p ON p.group_id = g.id
         LEFT JOIN operations o ON o.payment_id = p.id
        WHERE g.id = $1
        GROUP BY g.status, p.status`,
      [groupId],
    );
    return {
      status: rows[0].group_status,
      payments: new Map(rows.map((r) => [r.status, { payments: r.payments, operations: r.operations }])),
    };
  }

  /** Every payment of the group in one status, with two operations each if COMPLETED and none otherwise. */
  async function expectWhole(groupId: string, status: 'INITIATED' | 'COMPLETED' | 'FAILED', items = ITEMS) {
    const state = await stateOf(groupId);
    expect({ group: state.status, payments: Object.fromEntries(state.payments) }).toEqual({
      group: status,
      payments: { [status]: { payments: items, operations: status === 'COMPLETED' ? 2 * items : 0 } },
    });
  }

  /** The backends of this database waiting for a lock, with what they are running. */
  const waiting = () =>
    db.query<Array<{ pid: number; query: string; blockers: number[]; writing: boolean }>>(
      `SELECT pid, query, pg_blocking_pids(pid) AS blockers, backend_xid IS NOT NULL AS writing
         FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );

  async function block(sql: string, id: string): Promise<{ runner: QueryRunner; pid: number }> {
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    const [{ pid }] = await runner.query(`SELECT pg_backend_pid() AS pid`);
    await runner.query(sql, [id]);
    blocker = runner;
    return { runner, pid };
  }

  async function unblock(runner: QueryRunner): Promise<void> {
    await runner.commitTransaction();
    await runner.release();
    blocker = undefined;
  }

  it('leaves no partial group when the worker is killed with a group posted but not committed', async () => {
    await worker();
    const cents = Array.from({ length: ITEMS }, () => CENT);
    const plans = await Promise.all([
      plan(cents, '15.00'),
      plan(cents, '15.00'),
      // Fails on its last item: atomic, so nothing of it may move.
      plan([...cents.slice(1), 100_000n], '15.00'),
      plan(cents, '15.00'),
    ]);
    const accounts = plans.flatMap((p) => [p.from, p.to]);
    const before = await balances(accounts);
    await workers.pop()!.kill();

    // Accepted while no worker runs; the first group's row locked by the test before any worker sees it, so that
    // its transaction, having written the operations and moved the payments, waits at the group's own update.
    const groups: Array<{ id: string; paymentIds: string[] }> = [];
    for (const p of plans) groups.push(await send(p));
    const { runner, pid } = await block(`SELECT 1 FROM payment_groups WHERE id = $1 FOR NO KEY UPDATE`, groups[0].id);
    const first = await worker();
    const stuck = await until(
      "the worker's transaction waiting inside the first group, its writes made",
      async () =>
        (await waiting()).find((w) => w.blockers.includes(pid) && /payment_groups/.test(w.query) && w.writing),
      60_000,
    );
    await first.kill();
    await unblock(runner);
    // The orphaned backend learns that its client is gone once it goes on, and rolls back.
    await until('the killed worker gone from PostgreSQL', async () => {
      const [row] = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [stuck.pid]);
      return row.n === 0 ? true : undefined;
    });
    for (const group of groups) {
      // Each group whole as it stands: untouched, or posted in full before the kill.
      const statuses = [...(await stateOf(group.id)).payments.keys()];
      expect([group.id, statuses]).toEqual([group.id, [expect.any(String)]]);
    }
    await expectWhole(groups[0].id, 'INITIATED');

    await worker();
    await until(
      'every group final',
      async () => {
        const [row] = await db.query(
          `SELECT count(*)::int AS n FROM payment_groups WHERE id = ANY($1::uuid[]) AND status = 'INITIATED'`,
          [groups.map((g) => g.id)],
        );
        return row.n === 0 ? true : undefined;
      },
      120_000,
    );

    const after = await balances(accounts);
    const moved = (account: string) => after.get(account)! - before.get(account)!;
    for (const [i, group] of groups.entries()) {
      const { from, to, amounts } = plans[i];
      const sum = amounts.reduce((a, b) => a + b, 0n);
      const status = i === 2 ? 'FAILED' : 'COMPLETED';
      await expectWhole(group.id, status);
      const view = await request(api.url).get(`/api/v1/payment-groups/${group.id}`).set(payer.auth).expect(200);
      expect(view.body).toMatchObject(
        status === 'FAILED'
          ? {
              status,
              counts: { completed: 0, failed: ITEMS },
              failure: { itemIndex: ITEMS - 1, code: 'INSUFFICIENT_FUNDS' },
            }
          : { status, counts: { completed: ITEMS, failed: 0 }, failure: null },
      );
      const expected = status === 'COMPLETED' ? sum : 0n;
      expect([group.id, moved(from), moved(to)]).toEqual([group.id, -expected, expected]);
    }
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
  }, 240_000);

  it('posts a group once when two workers run jobs of it at the same time', async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all([worker(), worker()]);
    const group = await plan(
      Array.from({ length: ITEMS }, () => CENT),
      '15.00',
    );
    const before = await balances([group.from, group.to]);

    // The payer's account locked: the first posting of the group waits in its transaction, the others behind it.
    const { runner } = await block(`SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE`, group.from);
    const { id, paymentIds } = await send(group);
    // Jobs the api never sends, under ids of their own, for any of the group's payments: unseen duplicates.
    const queue = new Bull('payments', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      prefix: database.env.QUEUE_PREFIX,
    });
    try {
      const jobs = await Promise.all(
        [[paymentIds[ITEMS - 1]], [paymentIds[ITEMS / 2], paymentIds[0]], [paymentIds[0]]].map((ids) =>
          queue.add('post-payments', { paymentIds: ids }, { jobId: randomUUID() }),
        ),
      );
      // A worker posts one batch at a time: two postings waiting at once are the two workers'.
      await until('both workers posting the group', async () => ((await waiting()).length >= 2 ? true : undefined));
      await unblock(runner);
      await Promise.all(jobs.map((job) => job.finished()));
    } finally {
      await queue.close();
    }

    await until('the group final', async () => ((await stateOf(id)).status === 'INITIATED' ? undefined : true));
    await expectWhole(id, 'COMPLETED');
    const after = await balances([group.from, group.to]);
    const sum = BigInt(ITEMS) * CENT;
    expect([after.get(group.from)! - before.get(group.from)!, after.get(group.to)! - before.get(group.to)!]).toEqual([
      -sum,
      sum,
    ]);
    expect(await trialBalance(api, admin)).toMatchObject({ balanced: true, mismatchedAccounts: [] });
  }, 120_000);
});
