import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { RunningApp } from './support/harness.js';
import { History } from './support/ledger-history.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { deposit, openAccount } from './support/money.js';
import { registerUser, type TestUser } from './support/users.js';

interface Operation {
  id: string;
  createdAt: string;
  balanceAfter: string;
}

const shift = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();

/** Balances at any moment, and per day, week or month of a time zone. */
describe('balances at any moment', () => {
  const suite = ledgerSuite();
  let api: RunningApp;
  let admin: TestUser;
  let db: DataSource;
  beforeAll(() => ({ api, admin, db } = suite));

  const balanceAt = (user: TestUser, account: string, at: string) =>
    request(api.url)
      .get(`/api/v1/accounts/${account}/balance?at=${encodeURIComponent(at)}`)
      .set(user.auth);

  describe('GET /accounts/:id/balance?at=', () => {
    let owner: TestUser;
    let account: string;
    let ops: Operation[];
    let opened: string;
    beforeAll(async () => {
      owner = await registerUser(api);
      account = await openAccount(api, owner);
      opened = (await request(api.url).get(`/api/v1/accounts/${account}`).set(owner.auth).expect(200)).body.createdAt;
      for (const amount of ['10.00', '5.00', '2.50']) await deposit(api, admin, account, amount);
      ops = (
        await request(api.url).get(`/api/v1/accounts/${account}/operations?sort=createdAt`).set(owner.auth).expect(200)
      ).body.data;
      expect(ops.map((o) => o.balanceAfter)).toEqual(['10.00', '15.00', '17.50']);
    });

    it('answers the balance after the operation at its very instant, the one before just before it, and it just after', async () => {
      for (const [i, op] of ops.entries()) {
        const at = await balanceAt(owner, account, op.createdAt).expect(200);
        expect(at.body).toEqual({
          accountId: account,
          currency: 'USD',
          balance: op.balanceAfter,
          at: op.createdAt,
          operationId: op.id,
        });
        const before = await balanceAt(owner, account, shift(op.createdAt, -1)).expect(200);
        expect(before.body).toMatchObject({
          balance: i ? ops[i - 1].balanceAfter : '0.00',
          operationId: i ? ops[i - 1].id : null,
        });
        const after = await balanceAt(owner, account, shift(op.createdAt, 1)).expect(200);
        expect(after.body).toMatchObject({ balance: op.balanceAfter, operationId: op.id });
      }
    });

    it('answers "0.00" and operationId null from the opening to the first operation', async () => {
      expect((await balanceAt(owner, account, opened).expect(200)).body).toEqual({
        accountId: account,
        currency: 'USD',
        balance: '0.00',
        at: opened,
        operationId: null,
      });
    });

    it('takes RFC 3339 with an offset, the same instant', async () => {
      const op = ops[1];
      const berlin = new Date(Date.parse(op.createdAt) + 3_600_000).toISOString().replace('Z', '+01:00');
      expect((await balanceAt(owner, account, berlin).expect(200)).body).toMatchObject({
        at: op.createdAt,
        operationId: op.id,
      });
    });

    it('refuses a future at, one before the account was opened, a malformed or missing one with 400 INVALID_QUERY', async () => {
      for (const at of [
        shift(new Date().toISOString(), 60_000),
        shift(opened, -1),
        '2026-02-30T00:00:00Z',
        'yesterday',
        '2026-01-01 00:00:00Z',
      ]) {
        expect((await balanceAt(owner, account, at).expect(400)).body.code).toBe('INVALID_QUERY');
      }
      expect(
        (await request(api.url).get(`/api/v1/accounts/${account}/balance`).set(owner.auth).expect(400)).body.code,
      ).toBe('INVALID_QUERY');
    });

    it('answers 404 to another user and serves an admin', async () => {
      await balanceAt(await registerUser(api), account, ops[0].createdAt).expect(404);
      await balanceAt(admin, account, ops[0].createdAt).expect(200);
    });

    it("proves the trial balance as of each operation's instant and just before it", async () => {
      for (const op of ops) {
        for (const at of [op.createdAt, shift(op.createdAt, -1)]) {
          const check = await request(api.url).get(`/api/v1/admin/ledger/check?at=${at}`).set(admin.auth).expect(200);
          expect(check.body).toMatchObject({ balanced: true, mismatchedAccounts: [], at });
        }
      }
      expect(
        (
          await request(api.url)
            .get(`/api/v1/admin/ledger/check?at=${shift(new Date().toISOString(), 60_000)}`)
            .set(admin.auth)
            .expect(400)
        ).body.code,
      ).toBe('INVALID_QUERY');
      expect(
        (await request(api.url).get(`/api/v1/admin/ledger/check?at=${ops[0].createdAt}`).set(owner.auth).expect(403))
          .body.code,
      ).toBe('FORBIDDEN');
    });
  });

  describe('GET /accounts/:id/balances', () => {
    let owner: TestUser;
    let history: History;
    beforeAll(async () => {
      owner = await registerUser(api);
      history = new History(db, admin);
      await history.open(owner);
      // Europe/Berlin: summer time begins 2026-03-29 at 02:00 (a 23-hour day) and ends 2026-10-25 at 03:00 (25 hours).
      await history.move(10000, '2026-03-28T12:00:00.000Z');
      await history.move(100, '2026-03-28T22:59:59.999Z'); // 23:59:59.999 on the 28th in Berlin
      await history.move(-50, '2026-03-28T23:00:00.000Z'); // midnight starting the 29th
      await history.move(200, '2026-03-29T21:59:59.999Z'); // 23:59:59.999 on the 29th, summer time
      await history.move(-1, '2026-03-29T22:00:00.000Z'); // midnight starting the 30th
      await history.move(300, '2026-10-25T22:59:59.999Z'); // 23:59:59.999 on the 25th, winter time again
      await history.move(7, '2026-10-25T23:00:00.000Z'); // the 26th
    });

    const balances = (query: string, user = owner) =>
      request(api.url).get(`/api/v1/accounts/${history.account}/balances?${query}`).set(user.auth);

    it('cuts days at local midnight across the spring DST change: the 29th lasts 23 hours', async () => {
      const res = await balances('from=2026-03-28&to=2026-03-31&interval=day&timezone=Europe/Berlin').expect(200);
      expect(res.body).toMatchObject({
        accountId: history.account,
        currency: 'USD',
        interval: 'day',
        timezone: 'Europe/Berlin',
        nextCursor: null,
      });
      expect(res.body.data).toEqual([
        {
          start: '2026-03-27T23:00:00.000Z',
          end: '2026-03-28T23:00:00.000Z',
          openingBalance: '0.00',
          closingBalance: '101.00',
          credits: '101.00',
          debits: '0.00',
          operationCount: 2,
        },
        {
          start: '2026-03-28T23:00:00.000Z',
          end: '2026-03-29T22:00:00.000Z',
          openingBalance: '101.00',
          closingBalance: '102.50',
          credits: '2.00',
          debits: '0.50',
          operationCount: 2,
        },
        {
          start: '2026-03-29T22:00:00.000Z',
          end: '2026-03-30T22:00:00.000Z',
          openingBalance: '102.50',
          closingBalance: '102.49',
          credits: '0.00',
          debits: '0.01',
          operationCount: 1,
        },
      ]);
    });

    it('gives the autumn DST day 25 hours, in UTC the same operations fall on other days', async () => {
      const berlin = await balances('from=2026-10-25&to=2026-10-27&timezone=Europe/Berlin').expect(200);
      expect(
        berlin.body.data.map((d: Record<string, unknown>) => [d.start, d.end, d.credits, d.operationCount]),
      ).toEqual([
        ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', '3.00', 1],
        ['2026-10-25T23:00:00.000Z', '2026-10-26T23:00:00.000Z', '0.07', 1],
      ]);
      const utc = await balances('from=2026-10-25T00:00:00Z&to=2026-10-26T00:00:00Z').expect(200);
      expect(utc.body.data).toEqual([
        {
          start: '2026-10-25T00:00:00.000Z',
          end: '2026-10-26T00:00:00.000Z',
          openingBalance: '102.49',
          closingBalance: '105.56',
          credits: '3.07',
          debits: '0.00',
          operationCount: 2,
        },
      ]);
    });

    it('has weeks from Monday and months, also across a DST change', async () => {
      const weeks = await balances('from=2026-03-28&to=2026-04-01&interval=week&timezone=Europe/Berlin').expect(200);
      expect(
        weeks.body.data.map((w: Record<string, unknown>) => [w.start, w.end, w.closingBalance, w.operationCount]),
      ).toEqual([
        ['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '102.50', 4],
        ['2026-03-29T22:00:00.000Z', '2026-04-05T22:00:00.000Z', '102.49', 1],
      ]);
      const months = await balances('from=2026-03-01&to=2026-11-01&interval=month&timezone=Europe/Berlin').expect(200);
      expect(months.body.data).toHaveLength(8);
      expect(months.body.data[0]).toEqual({
        start: '2026-02-28T23:00:00.000Z',
        end: '2026-03-31T22:00:00.000Z',
        openingBalance: '0.00',
        closingBalance: '102.49',
        credits: '103.00',
        debits: '0.51',
        operationCount: 5,
      });
      expect(months.body.data[7]).toMatchObject({
        start: '2026-09-30T22:00:00.000Z',
        end: '2026-10-31T23:00:00.000Z',
        openingBalance: '102.49',
        closingBalance: '105.56',
        operationCount: 2,
      });
    });

    it('pages by keyset cursor, each page as many periods as asked, together the whole range', async () => {
      const all = (await balances('from=2026-03-01&to=2026-05-01&timezone=Europe/Berlin').expect(200)).body.data;
      expect(all).toHaveLength(61);
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await balances(
          `from=2026-03-01&to=2026-05-01&timezone=Europe/Berlin&limit=25${cursor ? `&cursor=${cursor}` : ''}`,
        ).expect(200);
        expect(page.body.data.length).toBeLessThanOrEqual(25);
        seen.push(...page.body.data);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
      const first = (await balances('from=2026-03-01&to=2026-05-01&timezone=Europe/Berlin&limit=1').expect(200)).body
        .nextCursor;
      expect(
        (await balances(`from=2026-03-02&to=2026-05-01&timezone=Europe/Berlin&cursor=${first}`).expect(400)).body.code,
      ).toBe('INVALID_QUERY');
    });

    it('refuses what it cannot answer with 400 INVALID_QUERY', async () => {
      for (const query of [
        'to=2026-03-02',
        'from=2026-03-01',
        'from=2026-03-02&to=2026-03-01T00:00:00Z',
        'from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z',
        'from=2026-03-01&to=2026-03-02&interval=hour',
        'from=2026-03-01&to=2026-03-02&timezone=Mars/Olympus',
        "from=2026-03-01&to=2026-03-02&timezone=UTC';--",
        'from=2026-03-01&to=2026-03-02&limit=367',
        'from=2026-03-01&to=2026-03-02&cursor=abc',
        'from=2026-03-01&to=2026-03-02&sort=start',
        'from=2026-03-01&from=2026-03-02&to=2026-03-03',
      ]) {
        const res = await balances(query);
        expect([query, res.status, res.body.code]).toEqual([query, 400, 'INVALID_QUERY']);
      }
    });

    it('answers 404 to another user', async () => {
      await balances('from=2026-03-01&to=2026-03-02', await registerUser(api)).expect(404);
    });

    it('proves the trial balance as of moments inside the history', async () => {
      for (const at of ['2026-03-28T22:59:59.999Z', '2026-03-28T23:00:00.000Z', '2026-10-25T23:00:00.000Z']) {
        const check = await request(api.url).get(`/api/v1/admin/ledger/check?at=${at}`).set(admin.auth).expect(200);
        expect(check.body).toMatchObject({ balanced: true, mismatchedAccounts: [] });
      }
    });
  });
});
