import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountAccess } from '#accounts';
import { Currencies, InvalidQuery } from '#platform';
import { DataSource } from 'typeorm';
import { lastOperationBefore } from '../../domain/balance-as-of.sql.js';
import { parseBound } from '../../domain/instant.js';
import { type BalanceIntervals, ListBalances } from './list-balances.query.js';

const INTERVALS = ['day', 'week', 'month'] as const;
const MAX_INTERVALS = 366;
const PARAMETERS = new Set(['from', 'to', 'interval', 'timezone', 'limit', 'cursor']);
const LOCAL_START = /^\d{4}-\d{2}-\d{2} 00:00:00$/;

/**
 * The calendar periods (in `$4`, the time zone) from the one holding `from` ($2) while they start
 * before `to` ($3), each with its opening and closing balance, credits, debits and operation
 * count, all computed by PostgreSQL: a period's bounds are local midnights turned into instants,
 * so a day across a DST change lasts 23 or 25 hours. `$5` the unit, `$6` the page's first local
 * start (a cursor) or null, `$7` the page size plus one.
 */
const bound = (param: string, tz: string, date: boolean) =>
  date ? `(${param}::date::timestamp AT TIME ZONE ${tz})` : `${param}::timestamptz`;
const periodsSql = (fromIsDate: boolean, toIsDate: boolean) => `
  WITH periods AS (
    SELECT g AS local_start, g AT TIME ZONE $4 AS start_at, (g + ('1 ' || $5)::interval) AT TIME ZONE $4 AS end_at
      FROM generate_series(
             greatest(date_trunc($5, ${bound('$2', '$4', fromIsDate)} AT TIME ZONE $4), coalesce($6::timestamp, '-infinity')),
             ${bound('$3', '$4', toIsDate)} AT TIME ZONE $4,
             ('1 ' || $5)::interval) AS g
     WHERE g AT TIME ZONE $4 < ${bound('$3', '$4', toIsDate)}
     LIMIT $7
  )
  SELECT to_char(p.local_start, 'YYYY-MM-DD HH24:MI:SS') AS local_start, p.start_at, p.end_at,
         coalesce((SELECT l.balance_after FROM (${lastOperationBefore('$1', 'p.start_at', '<')}) l), 0)::text AS opening,
         coalesce((SELECT l.balance_after FROM (${lastOperationBefore('$1', 'p.end_at', '<')}) l), 0)::text AS closing,
         coalesce(t.credits, 0)::text AS credits, coalesce(t.debits, 0)::text AS debits, t.n::int AS n
    FROM periods p
    CROSS JOIN LATERAL (
      SELECT sum(o.amount) FILTER (WHERE o.amount > 0) AS credits, -sum(o.amount) FILTER (WHERE o.amount < 0) AS debits, count(*) AS n
        FROM operations o WHERE o.account_id = $1 AND o.created_at >= p.start_at AND o.created_at < p.end_at
    ) t
   ORDER BY p.local_start`;

interface PeriodRow {
  local_start: string;
  start_at: Date;
  end_at: Date;
  opening: string;
  closing: string;
  credits: string;
  debits: string;
  n: number;
}

/** An account's balances per day, week (from Monday) or month of a time zone, in keyset pages of at most 366 periods. */
@QueryHandler(ListBalances)
export class ListBalancesHandler implements IQueryHandler<ListBalances> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccountAccess,
    private readonly currencies: Currencies,
  ) {}

  async execute({ user, accountId, queryString }: ListBalances): Promise<BalanceIntervals> {
    const account = await this.access.readable(user, accountId);
    const q = new URLSearchParams(queryString);
    for (const key of q.keys())
      if (!PARAMETERS.has(key) || q.getAll(key).length > 1)
        throw new InvalidQuery(`unknown or repeated parameter ${key}`);
    const from = parseBound('from', q.get('from'));
    const to = parseBound('to', q.get('to'));
    const interval = q.get('interval') ?? 'day';
    if (!(INTERVALS as readonly string[]).includes(interval))
      throw new InvalidQuery(`interval must be one of ${INTERVALS.join(', ')}`);
    const timezone = q.get('timezone') ?? 'UTC';
    if (!isTimeZone(timezone)) throw new InvalidQuery(`timezone ${JSON.stringify(timezone)} is not an IANA time zone`);
    const limit = parseLimit(q.get('limit'));
    const identity = JSON.stringify([q.get('from'), q.get('to'), interval, timezone]);
    const after = q.has('cursor') ? readCursor(q.get('cursor')!, identity) : null;
    const value = (b: { instant: string } | { date: string }) => ('instant' in b ? b.instant : b.date);
    const [fromIsDate, toIsDate] = ['date' in from, 'date' in to];
    const query = <T>(sql: string, params: unknown[]) =>
      this.db.query<T>(sql, params).catch((error: Error & { driverError?: { code?: string } }) => {
        // A zone the runtime knows and PostgreSQL does not (their tz databases may differ).
        if (error.driverError?.code !== '22023') throw error;
        throw new InvalidQuery(`timezone ${JSON.stringify(timezone)} is not known to the database`);
      });
    const [order] = await query<Array<{ ordered: boolean }>>(
      `SELECT ${bound('$1', '$3', fromIsDate)} < ${bound('$2', '$3', toIsDate)} AS ordered, $3::text AS zone`,
      [value(from), value(to), timezone],
    );
    if (!order.ordered) throw new InvalidQuery('from must be before to');
    const rows = await query<PeriodRow[]>(periodsSql(fromIsDate, toIsDate), [
      account.id,
      value(from),
      value(to),
      timezone,
      interval,
      after,
      limit + 1,
    ]);
    const page = rows.slice(0, limit);
    const format = (minor: string) => this.currencies.format(minor, account.currency);
    return {
      accountId: account.id,
      currency: account.currency,
      interval,
      timezone,
      data: page.map((r) => ({
        start: r.start_at.toISOString(),
        end: r.end_at.toISOString(),
        openingBalance: format(r.opening),
        closingBalance: format(r.closing),
        credits: format(r.credits),
        debits: format(r.debits),
        operationCount: r.n,
      })),
      nextCursor:
        rows.length > limit
          ? Buffer.from(JSON.stringify({ q: identity, next: rows[limit].local_start })).toString('base64url')
          : null,
    };
  }
}

function parseLimit(raw: string | null): number {
  if (raw === null) return MAX_INTERVALS;
  if (!/^[0-9]{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_INTERVALS)
    throw new InvalidQuery(`limit must be an integer from 1 to ${MAX_INTERVALS}`);
  return Number(raw);
}

/** The cursor names the next period's local start, and answers only the query that issued it. */
function readCursor(cursor: string, identity: string): string {
  let decoded: { q?: unknown; next?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as typeof decoded;
  } catch {
    throw new InvalidQuery('the cursor is not valid for this list');
  }
  if (decoded?.q !== identity || typeof decoded.next !== 'string' || !LOCAL_START.test(decoded.next))
    throw new InvalidQuery('the cursor is not valid for this list');
  return decoded.next;
}

function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
