import fc from 'fast-check';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { InvalidQuery } from '../errors/common.errors.js';
import { Currencies } from '../money/currencies.js';
import { ListQueries } from './list-query.js';
import type { ListSpec, Queryable } from './list-spec.js';

interface Row {
  id: string;
  name: string | null;
  amount: bigint;
  currency: 'USD' | 'JPY';
  createdAt: string;
  score: number | null;
  active: boolean;
  rate: string | null;
}

const SPEC: ListSpec = {
  name: 'probes',
  from: 'probe',
  select: 'id',
  fields: {
    id: { sql: 'id', type: 'uuid' },
    name: { sql: 'name', type: 'text', nullable: true },
    amount: { sql: 'amount', type: 'money', currencySql: 'currency' },
    currency: { sql: 'currency', type: 'enum', values: ['USD', 'JPY'] },
    createdAt: { sql: 'created_at', type: 'timestamp' },
    score: { sql: 'score', type: 'integer', nullable: true },
    active: { sql: 'active', type: 'boolean' },
    rate: { sql: 'rate', type: 'decimal', nullable: true },
  },
  defaultSort: '-createdAt',
};
type Field = Exclude<keyof Row, 'id'> | 'id';
const SORTABLE: Field[] = ['id', 'name', 'amount', 'currency', 'createdAt', 'score', 'active', 'rate'];

// Small domains, so that ties, NULLs and equal amounts in different currencies are common.
const NAMES = ['alpha', 'beta', 'gamma', null];
const MINOR_AMOUNTS = [1n, 100n, 150n, 9999n, 10000n];
const TIMES = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2026-06-30T12:30:00.500Z'];
const SCORES = [-1, 0, 3, null];
const RATES = ['0.5', '1', '1.25', null];

const rowArbitrary: fc.Arbitrary<Row> = fc.record({
  id: fc.uuid(),
  name: fc.constantFrom(...NAMES),
  amount: fc.constantFrom(...MINOR_AMOUNTS),
  currency: fc.constantFrom('USD' as const, 'JPY' as const),
  createdAt: fc.constantFrom(...TIMES),
  score: fc.constantFrom(...SCORES),
  active: fc.boolean(),
  rate: fc.constantFrom(...RATES),
});

/** Exact comparable values, independent of the SQL: money and decimals scaled to 1/10000. */
const SCALE = 4;
const scaled = (decimal: string) => {
  const [integer, fraction = ''] = decimal.replace('-', '').split('.');
  const magnitude = BigInt(integer) * 10n ** BigInt(SCALE) + BigInt(fraction.padEnd(SCALE, '0') || '0');
  return decimal.startsWith('-') ? -magnitude : magnitude;
};
const EXPONENT = { USD: 2, JPY: 0 };
function valueOf(row: Row, field: Field): string | bigint | boolean | null {
  switch (field) {
    case 'amount':
      return row.amount * 10n ** BigInt(SCALE - EXPONENT[row.currency]);
    case 'score':
      return row.score === null ? null : BigInt(row.score);
    case 'rate':
      return row.rate === null ? null : scaled(row.rate);
    case 'createdAt':
      return BigInt(Date.parse(row.createdAt));
    default:
      return row[field];
  }
}
function filterValueOf(field: Field, raw: string): string | bigint | boolean {
  switch (field) {
    case 'amount':
    case 'rate':
      return scaled(raw);
    case 'score':
      return BigInt(raw);
    case 'createdAt':
      return BigInt(Date.parse(raw));
    case 'active':
      return raw === 'true';
    default:
      return raw;
  }
}
const compare = (a: string | bigint | boolean, b: string | bigint | boolean) => (a < b ? -1 : a > b ? 1 : 0);

interface Filter {
  field: Field;
  op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in';
  value: string;
}

/** SQL semantics: a comparison with NULL is never true; `=null` / `[ne]=null` test for NULL. */
function matches(row: Row, { field, op, value }: Filter): boolean {
  const actual = valueOf(row, field);
  if (value === 'null' && SPEC.fields[field].nullable && (op === 'eq' || op === 'ne'))
    return op === 'eq' ? actual === null : actual !== null;
  if (actual === null) return false;
  if (op === 'in') return value.split(',').some((v) => compare(actual, filterValueOf(field, v)) === 0);
  const c = compare(actual, filterValueOf(field, value));
  return { eq: c === 0, ne: c !== 0, gt: c > 0, gte: c >= 0, lt: c < 0, lte: c <= 0 }[op];
}

interface SortKey {
  field: Field;
  descending: boolean;
}

/** The contract's order: the requested keys, NULLs last either way, then id in the last key's direction. */
function expectedOrder(rows: Row[], sort: SortKey[]): string[] {
  const keys = sort.some((k) => k.field === 'id')
    ? sort
    : [...sort, { field: 'id' as const, descending: sort.at(-1)!.descending }];
  return [...rows]
    .sort((a, b) => {
      for (const { field, descending } of keys) {
        const x = valueOf(a, field);
        const y = valueOf(b, field);
        if (x === null || y === null) {
          if (x !== y) return x === null ? 1 : -1;
          continue;
        }
        const c = compare(x, y);
        if (c !== 0) return descending ? -c : c;
      }
      return 0;
    })
    .map((row) => row.id);
}

const filterValue = (field: Field, ids: string[]): fc.Arbitrary<string> => {
  switch (field) {
    case 'id':
      return fc.constantFrom(...ids, '00000000-0000-4000-8000-000000000000');
    case 'name':
      return fc.constantFrom('alpha', 'beta', 'gamma', 'b', 'zeta');
    case 'amount':
      return fc.constantFrom('0.01', '1', '1.00', '1.5', '99.99', '100', '150', '10000', '0.5');
    case 'currency':
      return fc.constantFrom('USD', 'JPY');
    case 'createdAt':
      return fc.constantFrom(...TIMES, '2026-01-01T00:00:00Z');
    case 'score':
      return fc.constantFrom('-1', '0', '2', '3');
    case 'active':
      return fc.constantFrom('true', 'false');
    case 'rate':
      return fc.constantFrom('0.5', '1', '1.0', '1.25', '2');
  }
};

const filterArbitrary = (ids: string[]): fc.Arbitrary<Filter> =>
  fc.constantFrom(...SORTABLE).chain((field) => {
    const type = SPEC.fields[field].type;
    const ops = ['uuid', 'enum', 'boolean'].includes(type)
      ? (['eq', 'ne', 'in'] as const)
      : (['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'] as const);
    return fc.constantFrom(...ops).chain((op) => {
      const single = filterValue(field, ids);
      const value =
        op === 'in'
          ? fc.uniqueArray(single, { minLength: 1, maxLength: 3 }).map((values) => values.join(','))
          : SPEC.fields[field].nullable && (op === 'eq' || op === 'ne')
            ? fc.oneof(single, fc.constant('null'))
            : single;
      return value.map((v) => ({ field, op, value: v }));
    });
  });

const sortArbitrary: fc.Arbitrary<SortKey[]> = fc
  .shuffledSubarray(SORTABLE, { minLength: 1, maxLength: 3 })
  .chain((fields) => fc.tuple(...fields.map((field) => fc.boolean().map((descending) => ({ field, descending })))));

const caseArbitrary = fc.uniqueArray(rowArbitrary, { selector: (row) => row.id, maxLength: 30 }).chain((rows) =>
  fc.record({
    rows: fc.constant(rows),
    sort: sortArbitrary,
    filters: fc.uniqueArray(filterArbitrary(rows.map((r) => r.id)), {
      selector: (f) => `${f.field}[${f.op}]`,
      maxLength: 2,
    }),
    limit: fc.integer({ min: 1, max: 4 }),
  }),
);

function queryString(sort: SortKey[], filters: Filter[], limit: number, cursor?: string): string {
  const params = new URLSearchParams();
  params.set('sort', sort.map((k) => `${k.descending ? '-' : ''}${k.field}`).join(','));
  for (const f of filters) params.set(`${f.field}[${f.op}]`, f.value);
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

describe('ListQueries against PostgreSQL', () => {
  const config = AppConfig.fromEnv({ JWT_SECRET: 'list-query-spec' });
  const lists = new ListQueries(config, new Currencies(config));
  let client: pg.Client;
  let db: Queryable;

  const ids = async (query: string) =>
    await lists.page<{ id: string }, string>(db, SPEC, query, undefined, (row) => row.id);

  async function load(rows: Row[]) {
    await db.query('TRUNCATE probe');
    for (const r of rows) {
      await db.query('INSERT INTO probe VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        r.id,
        r.name,
        r.amount.toString(),
        r.currency,
        r.createdAt,
        r.score,
        r.active,
        r.rate,
      ]);
    }
  }

  async function everyPage(query: (cursor?: string) => string): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await ids(query(cursor));
      seen.push(...page.data);
      if (!page.nextCursor) return seen;
      cursor = page.nextCursor;
    }
    throw new Error('paging did not end');
  }

  beforeAll(async () => {
    const url = process.env.DATABASE_URL ?? '';
    if (!new URL(url).pathname.includes('test'))
      throw new Error(`refusing to run against ${url}: the database name must contain "test"`);
    client = new pg.Client({ connectionString: url });
    await client.connect();
    db = { query: async (sql, params) => (await client.query(sql, params)).rows };
    // A session-local table: nothing outlives the test.
    await db.query(`CREATE TEMP TABLE probe (
      id uuid PRIMARY KEY, name text, amount bigint NOT NULL, currency text NOT NULL,
      created_at timestamptz(3) NOT NULL, score integer, active boolean NOT NULL, rate numeric)`);
  });
  afterAll(() => client?.end());

  it('pages through every sort and filter with a small limit exactly as one big ordered query', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async ({ rows, sort, filters, limit }) => {
        await load(rows);
        const expected = expectedOrder(
          rows.filter((row) => filters.every((f) => matches(row, f))),
          sort,
        );
        const whole = await ids(queryString(sort, filters, 200));
        expect(whole).toEqual({ data: expected, nextCursor: null });
        expect(await everyPage((cursor) => queryString(sort, filters, limit, cursor))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  describe('with known rows', () => {
    const row = (id: number, overrides: Partial<Row>): Row => ({
      id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
      name: null,
      amount: 100n,
      currency: 'USD',
      createdAt: TIMES[0],
      score: null,
      active: true,
      rate: null,
      ...overrides,
    });
    const oneUsd = row(1, { amount: 100n, currency: 'USD', name: 'alpha', score: 3 });
    const oneYen = row(2, { amount: 1n, currency: 'JPY', name: 'beta', score: 0 });
    const usd150 = row(3, { amount: 150n, currency: 'USD', score: 3 });
    const usd9999 = row(4, { amount: 9999n, currency: 'USD', name: 'gamma' });
    const yen100 = row(5, { amount: 100n, currency: 'JPY', name: 'alpha', active: false });
    const all = [oneUsd, oneYen, usd150, usd9999, yen100];
    const idsOf = (...rows: Row[]) => rows.map((r) => r.id);

    beforeAll(() => load(all));

    it('compares amounts as money across currencies with different exponents', async () => {
      expect((await ids('amount=1&sort=id')).data).toEqual(idsOf(oneUsd, oneYen));
      expect((await ids('amount[gt]=50&sort=id')).data).toEqual(idsOf(usd9999, yen100));
      expect((await ids('amount[gte]=100&sort=id')).data).toEqual(idsOf(yen100));
      expect((await ids('amount[lt]=1.5&sort=id')).data).toEqual(idsOf(oneUsd, oneYen));
      expect((await ids('amount[in]=1.50,100&sort=id')).data).toEqual(idsOf(usd150, yen100));
    });

    it('sorts amounts as money, not as minor units', async () => {
      expect((await ids('sort=amount,id')).data).toEqual(idsOf(oneUsd, oneYen, usd150, usd9999, yen100));
      expect((await ids('sort=-amount,-id')).data).toEqual(idsOf(yen100, usd9999, usd150, oneYen, oneUsd));
    });

    it('filters with in, ne and null', async () => {
      expect((await ids(`id[in]=${oneYen.id},${yen100.id}&sort=id`)).data).toEqual(idsOf(oneYen, yen100));
      expect((await ids('name[in]=alpha,gamma&sort=id')).data).toEqual(idsOf(oneUsd, usd9999, yen100));
      expect((await ids('currency[ne]=USD&sort=id')).data).toEqual(idsOf(oneYen, yen100));
      expect((await ids('active[ne]=true&sort=id')).data).toEqual(idsOf(yen100));
      expect((await ids('score[ne]=3&sort=id')).data).toEqual(idsOf(oneYen));
      expect((await ids('name=null&sort=id')).data).toEqual(idsOf(usd150));
      expect((await ids('name[ne]=null&sort=id')).data).toEqual(idsOf(oneUsd, oneYen, usd9999, yen100));
      expect((await ids('score=null&sort=id')).data).toEqual(idsOf(usd9999, yen100));
    });

    it('puts NULLs last in either direction', async () => {
      expect((await ids('sort=score,id')).data).toEqual(idsOf(oneYen, oneUsd, usd150, usd9999, yen100));
      expect((await ids('sort=-score,id')).data).toEqual(idsOf(oneUsd, usd150, oneYen, usd9999, yen100));
    });

    it('applies the default sort and limit, and hands out a cursor only when more rows follow', async () => {
      const page = await ids('limit=4');
      expect(page.data).toHaveLength(4);
      expect(page.nextCursor).toEqual(expect.any(String));
      const rest = await ids(`limit=4&cursor=${page.nextCursor}`);
      expect(rest).toEqual({ data: idsOf(...all).filter((id) => !page.data.includes(id)), nextCursor: null });
      expect((await ids('')).data).toHaveLength(all.length);
    });

    it("keeps the caller's scope around the client's filters", async () => {
      const scoped = await lists.page<{ id: string }, string>(
        db,
        SPEC,
        'sort=id&name=alpha',
        { sql: 'currency = $1', params: ['JPY'] },
        (r) => r.id,
      );
      expect(scoped.data).toEqual(idsOf(yen100));
    });

    it.each([
      'colour=red',
      'amount[like]=1',
      'amount[between]=1',
      'id[gt]=00000000-0000-4000-8000-000000000001',
      'currency[lt]=USD',
      'active[gte]=true',
      'id=not-a-uuid',
      'id=null',
      'currency=XXX',
      'active=yes',
      'createdAt[gte]=yesterday',
      'createdAt=2026-01-01',
      'createdAt=2026-13-45T00:00:00.000Z',
      'createdAt[gt]=2020-02-30T00:00:00.000Z',
      'createdAt[lt]=2026-02-29T00:00:00.000Z',
      'createdAt=2026-01-01T24:00:00.000Z',
      'createdAt=2026-01-01T23:60:00.000Z',
      'createdAt[gte]=0000-01-01T00:00:00Z',
      'createdAt[in]=0000-12-31T23:59:59.999Z',
      'amount=1e3',
      'amount=1.00001',
      'amount=abc',
      'score=1.5',
      'rate=-1',
      'limit=0',
      'limit=201',
      'limit=ten',
      'limit=',
      'sort=colour',
      'sort=name,-name',
      'sort=',
      'name=alpha&name=beta',
      'cursor=garbage',
      'cursor=eyJzIjoiLWNyZWF0ZWRBdCxpZCIsInYiOltudWxsXX0.AAAAAAAAAAAAAAAAAAAAAA',
      `id[in]=${Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000001').join(',')}`,
      'constructor=x',
      '__proto__=x',
    ])('refuses %s with InvalidQuery', async (query) => {
      await expect(ids(query)).rejects.toThrow(InvalidQuery);
    });

    it('refuses a cursor that was tampered with, signed with another secret, or made for another sort', async () => {
      const { nextCursor } = await ids('limit=1&sort=name');
      const [payload, mac] = nextCursor!.split('.');
      const forgedPayload = Buffer.from(JSON.stringify({ s: 'name,id', v: ['zzz', oneUsd.id] })).toString('base64url');
      await expect(ids(`limit=1&sort=name&cursor=${forgedPayload}.${mac}`)).rejects.toThrow(InvalidQuery);
      await expect(ids(`limit=1&sort=name&cursor=${payload}.${mac.slice(0, -1)}A`)).rejects.toThrow(InvalidQuery);
      await expect(ids(`limit=1&sort=-name&cursor=${nextCursor}`)).rejects.toThrow(InvalidQuery);
      const otherConfig = AppConfig.fromEnv({ JWT_SECRET: 'another-secret' });
      const otherLists = new ListQueries(otherConfig, new Currencies(otherConfig));
      await expect(
        otherLists.page(db, SPEC, `limit=1&sort=name&cursor=${nextCursor}`, undefined, (r) => r),
      ).rejects.toThrow(InvalidQuery);
    });

    it('refuses a cursor issued by another list, or for another scope of the same list', async () => {
      const { nextCursor } = await ids('limit=1');
      const scoped = (spec: ListSpec, scope?: { sql: string; params: unknown[] }) =>
        lists.page(db, spec, `limit=1&cursor=${nextCursor}`, scope, (r) => r);
      await expect(scoped({ ...SPEC, name: 'other-probes' })).rejects.toThrow('the cursor is not valid for this list');
      await expect(scoped(SPEC, { sql: 'currency = $1', params: ['JPY'] })).rejects.toThrow(InvalidQuery);
      await expect(scoped(SPEC)).resolves.toEqual(expect.objectContaining({ data: [expect.anything()] }));
    });

    it('takes real dates, a leap day and years before 100 included', async () => {
      expect((await ids('createdAt[gt]=2024-02-29T23:59:59.999Z')).data).toHaveLength(all.length);
      expect((await ids('createdAt[gt]=0050-01-01T00:00:00.000Z')).data).toHaveLength(all.length);
      expect((await ids('createdAt[gt]=0001-01-01T00:00:00Z')).data).toHaveLength(all.length);
    });
  });
});
