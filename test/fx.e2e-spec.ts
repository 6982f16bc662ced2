import { Module } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuthGuardModule, PlatformModule } from '#platform';
import { UsersHttpModule } from '#users';
import { FxHttpModule, FxQuotes, RateNotAvailable } from '#fx';
import { startApp, type RunningApp } from './support/harness.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from './support/users.js';

@Module({ imports: [PlatformModule, AuthGuardModule, UsersHttpModule, FxHttpModule] })
class FxTestModule {}

interface Rate {
  from: string;
  to: string;
  rate: string;
  updatedAt: string;
}

// CHF, SEK, NOK and ISK are this suite's own: no other suite sets their rates in the shared database.
const CURRENCIES = 'USD,EUR,GBP,RUB,JPY,CHF,SEK,NOK,ISK';
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('exchange rates', () => {
  let api: RunningApp;
  let admin: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    api = await startApp(FxTestModule, { env: { ...ADMIN_ENV, CURRENCIES, LOGIN_LIMIT_PER_IP: '1000' } });
    admin = await loginAdmin(api);
    user = await registerUser(api);
  });
  afterAll(() => api.close());

  const problemOf = (res: request.Response) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status: res.status,
        detail: expect.any(String),
      }),
    );
    return res.body as { code: string; errors?: Array<{ field: string }> };
  };
  const putRate = (from: string, to: string, body: unknown, as: TestUser = admin) =>
    request(api.url)
      .put(`/api/v1/admin/rates/${from}/${to}`)
      .set(as.auth)
      .send(body as object);
  const listRates = async (query: string, as: TestUser = user): Promise<{ data: Rate[]; nextCursor: string | null }> =>
    (await request(api.url).get(`/api/v1/rates?${query}`).set(as.auth).expect(200)).body;
  const history = async (from: string, to: string): Promise<string[]> => {
    const rows: Array<{ rate: string }> = await api.app
      .get(DataSource)
      .query(`SELECT rate::text FROM fx_rates WHERE from_currency = $1 AND to_currency = $2 ORDER BY id`, [from, to]);
    return rows.map((row) => row.rate);
  };

  it('lets an admin set a rate and shows it to every user as the current rate', async () => {
    const res = await putRate('USD', 'EUR', { rate: '0.9234' }).expect(200);
    expect(res.body).toEqual({ from: 'USD', to: 'EUR', rate: '0.9234', updatedAt: expect.stringMatching(TIMESTAMP) });
    const listed = await listRates('from=USD&to=EUR');
    expect(listed).toEqual({ data: [res.body], nextCursor: null });
  });

  it('answers a rate as an exact decimal string without needless trailing zeros', async () => {
    expect((await putRate('EUR', 'USD', { rate: '1.0800' }).expect(200)).body.rate).toBe('1.08');
    expect((await putRate('JPY', 'USD', { rate: '0.000000012345' }).expect(200)).body.rate).toBe('0.000000012345');
    expect((await putRate('USD', 'JPY', { rate: '123456789012' }).expect(200)).body.rate).toBe('123456789012');
    expect((await listRates('from=EUR&to=USD')).data[0].rate).toBe('1.08');
  });

  it('keeps the history: a new rate becomes current and the old one stays recorded', async () => {
    const first = await putRate('GBP', 'RUB', { rate: '101.5' }).expect(200);
    const second = await putRate('GBP', 'RUB', { rate: '99.75' }).expect(200);
    expect(Date.parse(second.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.body.updatedAt));
    expect((await listRates('from=GBP&to=RUB')).data).toEqual([second.body]);
    expect((await history('GBP', 'RUB')).slice(-2)).toEqual(['101.5', '99.75']);
  });

  it('sets one direction only: the opposite pair is not derived', async () => {
    await putRate('NOK', 'ISK', { rate: '12.85' }).expect(200);
    expect((await listRates('from=ISK&to=NOK')).data).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['zero', { rate: '0' }],
    ['zero with decimals', { rate: '0.000' }],
    ['negative', { rate: '-0.92' }],
    ['non-numeric', { rate: 'abc' }],
    ['13 significant digits', { rate: '1.234567890123' }],
    ['a JSON number', { rate: 0.92 }],
    ['exponent notation', { rate: '9.2e-1' }],
    ['null', { rate: null }],
    ['missing', {}],
  ])('refuses a rate that is %s with 400 INVALID_RATE', async (_what, body) => {
    const res = await putRate('USD', 'GBP', body).expect(400);
    const problem = problemOf(res);
    expect(problem.code).toBe('INVALID_RATE');
    expect(problem.errors?.map((e) => e.field)).toEqual(['rate']);
  });

  it.each([
    ['an unknown code', 'XXX', 'EUR'],
    ['an ISO code that is not configured', 'USD', 'KWD'],
    ['a lower-case code', 'usd', 'EUR'],
  ])('refuses %s in the path with 400 UNSUPPORTED_CURRENCY', async (_what, from, to) => {
    const res = await putRate(from, to, { rate: '1.5' }).expect(400);
    expect(problemOf(res).code).toBe('UNSUPPORTED_CURRENCY');
  });

  it('refuses a rate from a currency to itself with 400 VALIDATION_FAILED naming `to`', async () => {
    const res = await putRate('EUR', 'EUR', { rate: '1' }).expect(400);
    const problem = problemOf(res);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors?.map((e) => e.field)).toEqual(['to']);
  });

  it('refuses an unknown body field with 400 VALIDATION_FAILED', async () => {
    const res = await putRate('USD', 'GBP', { rate: '0.79', from: 'EUR' }).expect(400);
    expect(problemOf(res).code).toBe('VALIDATION_FAILED');
  });

  it('reserves setting rates to admins: a user gets 403 FORBIDDEN and nothing changes', async () => {
    await putRate('CHF', 'ISK', { rate: '150' }).expect(200);
    const res = await putRate('CHF', 'ISK', { rate: '1' }, user).expect(403);
    expect(problemOf(res).code).toBe('FORBIDDEN');
    expect((await listRates('from=CHF&to=ISK')).data[0].rate).toBe('150');
  });

  it('answers anonymous calls with 401 UNAUTHORIZED', async () => {
    expect(problemOf(await request(api.url).get('/api/v1/rates').expect(401)).code).toBe('UNAUTHORIZED');
    const put = await request(api.url).put('/api/v1/admin/rates/USD/EUR').send({ rate: '1' }).expect(401);
    expect(problemOf(put).code).toBe('UNAUTHORIZED');
  });

  describe('quoting a conversion', () => {
    it("converts at the current rate, rounding half to even at the target's minor unit", async () => {
      const quotes = api.app.get(FxQuotes);
      await putRate('SEK', 'ISK', { rate: '12.5' }).expect(200);
      expect(await quotes.quote('SEK', 'ISK', 1_00n)).toEqual({ rate: '12.5', targetAmount: 12n }); // 12.5 ISK → 12
      expect(await quotes.quote('SEK', 'ISK', 3_00n)).toEqual({ rate: '12.5', targetAmount: 38n }); // 37.5 ISK → 38
      await putRate('SEK', 'ISK', { rate: '13' }).expect(200);
      expect(await quotes.quote('SEK', 'ISK', 1_00n)).toEqual({ rate: '13', targetAmount: 13n });
    });

    it('refuses a direction without a rate with RateNotAvailable instead of inverting the opposite one', async () => {
      await putRate('ISK', 'SEK', { rate: '0.077' }).expect(200);
      await expect(api.app.get(FxQuotes).quote('NOK', 'SEK', 100n)).rejects.toBeInstanceOf(RateNotAvailable);
      await expect(api.app.get(FxQuotes).quote('NOK', 'SEK', 100n)).rejects.toMatchObject({
        code: 'RATE_NOT_AVAILABLE',
        kind: 'unprocessable',
      });
    });

    it('converts a currency to itself at 1 and refuses an unconfigured one', async () => {
      const quotes = api.app.get(FxQuotes);
      expect(await quotes.quote('SEK', 'SEK', 1234n)).toEqual({ rate: '1', targetAmount: 1234n });
      await expect(quotes.quote('SEK', 'KWD', 100n)).rejects.toMatchObject({ code: 'UNSUPPORTED_CURRENCY' });
    });
  });

  describe('list conventions', () => {
    // The six pairs of CHF, SEK and NOK; rates chosen so that text order and numeric order differ.
    const pairs: Array<[string, string, string]> = [
      ['CHF', 'SEK', '12.5'],
      ['CHF', 'NOK', '9'],
      ['SEK', 'CHF', '0.08'],
      ['SEK', 'NOK', '1.04'],
      ['NOK', 'CHF', '0.111'],
      ['NOK', 'SEK', '1.04'],
    ];
    const scope = 'from[in]=CHF,SEK,NOK&to[in]=CHF,SEK,NOK';
    const keyOf = (r: Rate) => `${r.from}>${r.to}`;
    let setAt: string;

    beforeAll(async () => {
      const set: Rate[] = [];
      for (const [from, to, rate] of pairs) set.push((await putRate(from, to, { rate }).expect(200)).body);
      setAt = set[0].updatedAt;
    });

    it('sorts by from,to by default', async () => {
      const { data } = await listRates(scope);
      expect(data.map(keyOf)).toEqual(['CHF>NOK', 'CHF>SEK', 'NOK>CHF', 'NOK>SEK', 'SEK>CHF', 'SEK>NOK']);
    });

    it('sorts by rate as a decimal, breaking ties by from,to', async () => {
      const descending = await listRates(`${scope}&sort=-rate`);
      expect(descending.data.map(keyOf)).toEqual(['CHF>SEK', 'CHF>NOK', 'SEK>NOK', 'NOK>SEK', 'NOK>CHF', 'SEK>CHF']);
      const ascending = await listRates(`${scope}&sort=rate`);
      expect(ascending.data.map(keyOf)).toEqual(['SEK>CHF', 'NOK>CHF', 'NOK>SEK', 'SEK>NOK', 'CHF>NOK', 'CHF>SEK']);
    });

    it('filters by rate as a decimal, by currency and by time', async () => {
      expect((await listRates(`${scope}&rate[gt]=1.04`)).data.map(keyOf)).toEqual(['CHF>NOK', 'CHF>SEK']);
      expect((await listRates(`${scope}&rate=1.040`)).data.map(keyOf)).toEqual(['NOK>SEK', 'SEK>NOK']);
      expect((await listRates(`${scope}&rate[lte]=0.111&from[ne]=SEK`)).data.map(keyOf)).toEqual(['NOK>CHF']);
      expect((await listRates(`${scope}&updatedAt[gte]=${setAt}`)).data).toHaveLength(6);
      expect((await listRates(`${scope}&updatedAt[lt]=${setAt}`)).data).toEqual([]);
    });

    it('pages with a cursor through exactly the same rows as one page, for any sort', async () => {
      for (const sort of ['from,to', '-rate', 'rate,-to', '-updatedAt']) {
        const all = await listRates(`${scope}&sort=${sort}`);
        const paged: Rate[] = [];
        let cursor: string | null = null;
        do {
          const page: { data: Rate[]; nextCursor: string | null } = await listRates(
            `${scope}&sort=${sort}&limit=4${cursor ? `&cursor=${cursor}` : ''}`,
          );
          expect(page.data.length).toBeLessThanOrEqual(4);
          paged.push(...page.data);
          cursor = page.nextCursor;
        } while (cursor);
        expect(paged).toEqual(all.data);
      }
    });

    it('refuses a tampered cursor, and a cursor of another sort order, with 400 INVALID_QUERY', async () => {
      const first = await listRates(`${scope}&limit=2`);
      expect(first.nextCursor).toEqual(expect.any(String));
      const tampered = await request(api.url)
        .get(`/api/v1/rates?${scope}&limit=2&cursor=${first.nextCursor!.slice(0, -2)}xx`)
        .set(user.auth)
        .expect(400);
      expect(problemOf(tampered).code).toBe('INVALID_QUERY');
      const resorted = await request(api.url)
        .get(`/api/v1/rates?${scope}&limit=2&sort=-rate&cursor=${first.nextCursor}`)
        .set(user.auth)
        .expect(400);
      expect(problemOf(resorted).code).toBe('INVALID_QUERY');
    });

    it.each([
      'rate=abc',
      'rate[gt]=1e3',
      'rate=-1',
      'from=XXX',
      'from[gt]=CHF',
      'to[like]=CHF',
      'updatedAt=yesterday',
      'sort=secret',
      'sort=rate,rate',
      'id=00000000-0000-4000-8000-000000000000',
      'limit=0',
      'limit=201',
      'cursor=nonsense',
    ])('refuses the rate list query %s with 400 INVALID_QUERY', async (query) => {
      const res = await request(api.url).get(`/api/v1/rates?${query}`).set(user.auth).expect(400);
      expect(problemOf(res).code).toBe('INVALID_QUERY');
    });
  });

  it('documents both endpoints in the OpenAPI document', async () => {
    const docs = await request(api.url).get('/docs-json').expect(200);
    expect(docs.body.paths['/api/v1/rates'].get).toBeDefined();
    expect(docs.body.paths['/api/v1/admin/rates/{from}/{to}'].put).toBeDefined();
  });
});
