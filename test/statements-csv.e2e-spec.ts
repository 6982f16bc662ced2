import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { RunningApp } from './support/harness.js';
import { History } from './support/ledger-history.js';
import { ledgerSuite } from './support/ledger-suite.js';
import { deposit, openAccount } from './support/money.js';
import { registerUser, type TestUser } from './support/users.js';

/** A strict RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      for (i++; ; i++) {
        if (text[i] === '"' && text[i + 1] === '"') [field, i] = [field + '"', i + 1];
        else if (text[i] === '"') break;
        else if (i >= text.length) throw new Error('unterminated quoted field');
        else field += text[i];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') field += text[i++];
      if (field.includes('"')) throw new Error(`a quote in an unquoted field: ${field}`);
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) [records[records.length], record, i] = [record, [], i + 2];
    else throw new Error(`a record not ended by CRLF at ${i}`);
  }
  if (record.length) throw new Error('the last record has no CRLF');
  return records;
}

const STATEMENT_HEADER = [
  'operationId',
  'createdAt',
  'paymentId',
  'paymentType',
  'counterpartyAccountId',
  'amount',
  'balanceAfter',
  'currency',
  'description',
  'externalRef',
  'metadata',
];

/** Statements a finance team can import: operations and payments as CSV, every row, streamed. */
describe('CSV statements', () => {
  const suite = ledgerSuite();
  let api: RunningApp;
  let admin: TestUser;
  let db: DataSource;
  let owner: TestUser;
  let history: History;
  beforeAll(async () => {
    ({ api, admin, db } = suite);
    owner = await registerUser(api);
    history = new History(db, admin);
    await history.open(owner);
    await history.move(5000, '2026-01-01T00:00:00.000Z', {
      description: 'Dinner, drinks and "tips"',
      externalRef: 'INV,1',
      metadata: { note: 'line one\r\nline two', café: 'crème brûlée ☕' },
    });
    await history.move(-1, '2026-01-01T00:00:01.000Z', { description: 'Ünïcödé 東京 🚀' });
    // More rows than the api fetches from its cursor at once: the export takes several batches.
    await history.credits(4500, 1, '2026-01-02T00:00:00.000Z');
  });

  const statement = (query: string, user = owner) =>
    request(api.url)
      .get(`/api/v1/accounts/${history.account}/operations?${query}`)
      .set(user.auth)
      .buffer(true)
      .parse(text);
  function text(res: request.Response, done: (error: Error | null, body: string) => void) {
    const stream = res as unknown as NodeJS.ReadableStream;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (body += chunk)).on('end', () => done(null, body));
  }

  it('streams every operation of a multi-batch statement, in order, each row exact', async () => {
    const res = await statement('format=csv&sort=createdAt').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="statement-${history.account}.csv"`);
    const [header, ...rows] = parseCsv(res.body as string);
    expect(header).toEqual(STATEMENT_HEADER);
    expect(rows).toHaveLength(4502);
    const stored = await db.query(
      `SELECT o.id, o.payment_id, o.created_at, o.amount::text, o.balance_after::text FROM operations o WHERE o.account_id = $1 ORDER BY o.created_at, o.id`,
      [history.account],
    );
    rows.forEach((row, i) => {
      const op = stored[i];
      const cents = (minor: string) =>
        (BigInt(minor) < 0n ? '-' : '') +
        `${(BigInt(minor) < 0n ? -BigInt(minor) : BigInt(minor)) / 100n}.${((BigInt(minor) < 0n ? -BigInt(minor) : BigInt(minor)) % 100n).toString().padStart(2, '0')}`;
      expect(row).toEqual([
        op.id,
        op.created_at.toISOString(),
        op.payment_id,
        'TRANSFER',
        expect.any(String),
        cents(op.amount),
        cents(op.balance_after),
        'USD',
        i < 2 ? expect.any(String) : `credit ${i - 1}`,
        i ? '' : 'INV,1',
        i ? '{}' : expect.any(String),
      ]);
    });
    expect(rows.at(-1)![6]).toBe('94.99');
  });

  it('quotes commas, quotes, line breaks and keeps unicode, in descriptions and metadata alike', async () => {
    const res = await statement('format=csv&sort=createdAt&createdAt[lt]=2026-01-02T00:00:00Z').expect(200);
    const raw = res.body as string;
    expect(raw).toContain('"Dinner, drinks and ""tips"""');
    expect(raw).toContain('"INV,1"');
    const [, first, second] = parseCsv(raw);
    expect(first.slice(5)).toEqual(['50.00', '50.00', 'USD', 'Dinner, drinks and "tips"', 'INV,1', expect.any(String)]);
    expect(JSON.parse(first[10])).toEqual({ note: 'line one\r\nline two', café: 'crème brûlée ☕' });
    expect(second.slice(5, 9)).toEqual(['-0.01', '49.99', 'USD', 'Ünïcödé 東京 🚀']);
    expect(second[10]).toBe('{}');
  });

  it("answers CSV to Accept: text/csv too, with the list's filters and sort", async () => {
    const res = await request(api.url)
      .get(`/api/v1/accounts/${history.account}/operations?amount[lt]=0`)
      .set(owner.auth)
      .set('Accept', 'text/csv')
      .buffer(true)
      .parse(text)
      .expect(200);
    const rows = parseCsv(res.body as string);
    expect(rows).toHaveLength(2);
    expect(rows[1][8]).toBe('Ünïcödé 東京 🚀');
  });

  it("refuses limit, cursor or a bad filter with a 400 problem, and another user's account with 404", async () => {
    for (const query of ['format=csv&limit=10', 'format=csv&cursor=abc', 'format=csv&amount[gt]=abc', 'format=xml']) {
      const res = await request(api.url)
        .get(`/api/v1/accounts/${history.account}/operations?${query}`)
        .set(owner.auth)
        .expect(400);
      expect([res.headers['content-type'], res.body.code]).toEqual([
        expect.stringMatching(/^application\/problem\+json/),
        'INVALID_QUERY',
      ]);
    }
    await request(api.url)
      .get(`/api/v1/accounts/${history.account}/operations?format=csv`)
      .set((await registerUser(api)).auth)
      .expect(404);
  });

  it("exports payments with the list's scope and filters, metadata as one JSON column", async () => {
    const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
    const [from, to] = await Promise.all([openAccount(api, payer), openAccount(api, payee)]);
    await deposit(api, admin, from, '10.00');
    const tag = randomUUID();
    const paid = await request(api.url)
      .post('/api/v1/payments')
      .set(payer.auth)
      .send({ fromAccountId: from, toAccountId: to, amount: '1.50', description: 'a, "b"', metadata: { tag } })
      .expect(202);
    const res = await request(api.url)
      .get(`/api/v1/payments?format=csv&metadata[tag]=${tag}`)
      .set(payee.auth)
      .buffer(true)
      .parse(text)
      .expect(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="payments.csv"');
    const [header, ...rows] = parseCsv(res.body as string);
    expect(header.slice(0, 8)).toEqual([
      'id',
      'createdAt',
      'type',
      'status',
      'fromAccountId',
      'toAccountId',
      'amount',
      'currency',
    ]);
    expect(rows).toHaveLength(1);
    const row = Object.fromEntries(header.map((h, i) => [h, rows[0][i]]));
    expect(row).toMatchObject({
      id: paid.body.id,
      amount: '1.50',
      commission: '0.01',
      description: 'a, "b"',
      rate: '',
      metadata: JSON.stringify({ tag }),
    });
    const stranger = await request(api.url)
      .get(`/api/v1/payments?format=csv&metadata[tag]=${tag}`)
      .set((await registerUser(api)).auth)
      .buffer(true)
      .parse(text)
      .expect(200);
    expect(parseCsv(stranger.body as string)).toHaveLength(1);
  });
  it('closes the cursor and frees its connection when the client goes away mid-download', async () => {
    const big = new History(db, admin);
    await big.open(owner);
    // Far more than the socket buffers hold: the export waits for the client, its transaction open.
    await big.credits(150_000, 1, '2026-02-01T00:00:00.000Z');
    const exporting = async () =>
      (
        await db.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state <> 'idle' AND query LIKE 'FETCH % FROM export'`,
        )
      )[0].n;
    const until = async (expected: number) => {
      for (let waited = 0; (await exporting()) !== expected && waited < 10_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      return exporting();
    };
    const req = get(`${api.url}/api/v1/accounts/${big.account}/operations?format=csv`, { headers: owner.auth });
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) =>
        req.once('response', resolve).once('error', reject),
      );
      expect(res.statusCode).toBe(200);
      await once(res, 'data');
      res.pause();
      expect(await until(1)).toBe(1);
    } finally {
      req.destroy();
    }
    expect(await until(0)).toBe(0);
  });
});
