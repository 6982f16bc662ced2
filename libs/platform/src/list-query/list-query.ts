import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { InvalidQuery } from '../errors/common.errors.js';
import { METADATA_KEY, metadataProblem } from '../metadata/metadata.js';
import { Currencies } from '../money/currencies.js';
import type { DataSource, QueryRunner } from 'typeorm';
import type { FieldSpec, FieldType, ListSpec, Page, Queryable } from './list-spec.js';
import { isRealCalendarTime } from '../time/calendar.js';

const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'] as const;
type Operator = (typeof OPERATORS)[number];
const SQL_OPERATORS: Record<Exclude<Operator, 'in'>, string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};
const EQUALITY_ONLY: ReadonlySet<FieldType> = new Set(['uuid', 'enum', 'boolean']);
const RESERVED = new Set(['sort', 'limit', 'cursor']);
const MAX_IN_VALUES = 100;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;
const MONEY = /^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,4})?$/;
const INTEGER = /^-?(0|[1-9][0-9]{0,17})$/;
const DECIMAL = /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?$/;

const CASTS: Record<FieldType, string> = {
  uuid: 'uuid',
  text: 'text',
  enum: 'text',
  timestamp: 'timestamptz',
  money: 'numeric',
  boolean: 'boolean',
  integer: 'bigint',
  decimal: 'numeric',
  metadata: 'jsonb',
};

interface SortKey {
  name: string;
  expr: string;
  cast: string;
  descending: boolean;
  nullable: boolean;
}

/** A compiled list request: parameterised SQL fragments built only from the spec's whitelist. */
class CompiledList {
  readonly params: unknown[] = [];

  constructor(
    readonly conditions: string[],
    readonly sortKeys: SortKey[],
    readonly limit: number,
    readonly sortSignature: string,
    readonly cursorScope: string,
  ) {}

  bind(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.params.length}::${cast}`;
  }
}

/**
 * The list-query toolkit every collection uses: `field=value`, `field[op]=value`, `sort`, `limit`
 * and a signed keyset `cursor`. Anything outside a resource's whitelist answers INVALID_QUERY.
 */
@Injectable()
export class ListQueries {
  private readonly cursorKey: Buffer;
  private readonly exponentSql: (currencySql: string) => string;

  constructor(config: AppConfig, currencies: Currencies) {
    this.cursorKey = createHmac('sha256', config.jwtSecret).update('list-cursor').digest();
    const cases = currencies.all.map((c) => `WHEN '${c.code}' THEN ${c.exponent}`).join(' ');
    this.exponentSql = (currencySql) => `(CASE ${currencySql} ${cases} END)`;
  }

  /**
   * Runs one page of `spec` for a client's query string, inside `scope` (a trusted condition on
   * `$1..$n` of `scopeParams`, e.g. the owner), and maps rows with `toDto`.
   */
  async page<Row, Dto>(
    db: Queryable,
    spec: ListSpec,
    queryString: string,
    scope: { sql: string; params: unknown[] } | undefined,
    toDto: (row: Row) => Dto,
  ): Promise<Page<Dto>> {
    const list = this.compile(spec, queryString, scope?.params ?? []);
    const sql = `${selectSql(spec, list, scope)} LIMIT ${list.limit + 1}`;
    const rows = (await db.query(sql, list.params)) as Array<Record<string, unknown>>;
    const hasMore = rows.length > list.limit;
    const pageRows = hasMore ? rows.slice(0, list.limit) : rows;
    const last = pageRows.at(-1);
    const nextCursor =
      hasMore && last
        ? this.signCursor(
            list,
            list.sortKeys.map((_, i) => serialise(last[`__k${i}`])),
          )
        : null;
    return { data: pageRows.map((row) => toDto(row as Row)), nextCursor };
  }

  /**
   * Every row of `spec` matching a client's filters, in its sort, in batches read from a server-side
   * cursor in one REPEATABLE READ transaction on a connection of its own: memory holds one batch,
   * however many rows match, and the rows are one snapshot. `limit` and `cursor` have no place here.
   * Stopping early (the client went away) closes the cursor and frees the connection.
   */
  all<Row>(
    db: DataSource,
    spec: ListSpec,
    queryString: string,
    scope: { sql: string; params: unknown[] } | undefined,
    batchSize: number,
  ): AsyncIterable<Row[]> {
    // Compiled now, so that a bad query is refused before an answer starts.
    const list = this.compile(spec, queryString, scope?.params ?? [], { unpaged: true });
    return new CursorBatches<Row>(
      db,
      `DECLARE export NO SCROLL CURSOR FOR ${selectSql(spec, list, scope, { keys: false })}`,
      list.params,
      batchSize,
    );
  }

  private compile(spec: ListSpec, queryString: string, scopeParams: unknown[], { unpaged = false } = {}): CompiledList {
    const search = new URLSearchParams(queryString);
    const seen = new Set<string>();
    for (const key of search.keys()) {
      if (seen.has(key)) throw new InvalidQuery(`parameter ${key} is given more than once`);
      seen.add(key);
    }
    const limit = parseLimit(search.get('limit'));
    const sortKeys = this.parseSort(spec, search.get('sort'));
    const sortSignature = sortKeys.map((k) => `${k.descending ? '-' : ''}${k.name}`).join(',');
    const list = new CompiledList([], sortKeys, limit, sortSignature, JSON.stringify([spec.name, scopeParams]));
    list.params.push(...scopeParams);

    if (unpaged && (search.has('limit') || search.has('cursor')))
      throw new InvalidQuery('an export has every row: no limit or cursor');
    for (const [key, value] of search) {
      if (RESERVED.has(key) || (unpaged && key === 'format')) continue;
      const tagged = /^([A-Za-z][A-Za-z0-9]*)\[(.*)\]$/.exec(key);
      if (tagged && spec.fields[tagged[1]]?.type === 'metadata' && Object.hasOwn(spec.fields, tagged[1])) {
        list.conditions.push(metadataCondition(list, spec.fields[tagged[1]], tagged[2], value));
        continue;
      }
      const match = /^([A-Za-z][A-Za-z0-9]*)(?:\[([a-z]+)\])?$/.exec(key);
      const field = match ? spec.fields[match[1]] : undefined;
      if (!match || !field || !Object.hasOwn(spec.fields, match[1])) throw new InvalidQuery(`unknown filter ${key}`);
      if (field.type === 'metadata')
        throw new InvalidQuery(`${match[1]} is filtered key by key: ${match[1]}[key]=value`);
      const op = (match[2] ?? 'eq') as Operator;
      if (!OPERATORS.includes(op)) throw new InvalidQuery(`unknown operator ${match[2]} in ${key}`);
      if (EQUALITY_ONLY.has(field.type) && !['eq', 'ne', 'in'].includes(op)) {
        throw new InvalidQuery(`${match[1]} takes only eq, ne and in`);
      }
      list.conditions.push(this.condition(list, match[1], field, op, value));
    }

    const cursor = search.get('cursor');
    if (cursor !== null) list.conditions.push(this.after(list, this.verifyCursor(list, cursor)));
    return list;
  }

  private condition(list: CompiledList, name: string, field: FieldSpec, op: Operator, raw: string): string {
    const expr = this.comparable(field);
    const cast = CASTS[field.type];
    if (raw === 'null' && field.nullable && (op === 'eq' || op === 'ne')) {
      return `${field.sql} IS ${op === 'eq' ? '' : 'NOT '}NULL`;
    }
    if (op === 'in') {
      const values = raw.split(',');
      if (values.length > MAX_IN_VALUES) throw new InvalidQuery(`${name}[in] takes at most ${MAX_IN_VALUES} values`);
      return `${expr} = ANY(${list.bind(
        values.map((v) => parseValue(name, field, v)),
        `${cast}[]`,
      )})`;
    }
    return `${expr} ${SQL_OPERATORS[op]} ${list.bind(parseValue(name, field, raw), cast)}`;
  }

  /** Money compares as money: minor units scaled by the row's currency exponent. */
  private comparable(field: FieldSpec): string {
    if (field.type !== 'money') return field.sql;
    if (!field.currencySql) throw new Error('a money field needs currencySql');
    return `(${field.sql}::numeric / power(10::numeric, ${this.exponentSql(field.currencySql)}))`;
  }

  private parseSort(spec: ListSpec, raw: string | null): SortKey[] {
    const requested = (raw ?? spec.defaultSort).split(',');
    const keys: SortKey[] = [];
    for (const item of requested) {
      const descending = item.startsWith('-');
      const name = descending ? item.slice(1) : item;
      const field = Object.hasOwn(spec.fields, name) ? spec.fields[name] : undefined;
      if (!field || field.type === 'metadata') throw new InvalidQuery(`cannot sort by ${JSON.stringify(name)}`);
      if (keys.some((k) => k.name === name)) throw new InvalidQuery(`${name} is sorted twice`);
      keys.push({
        name,
        expr: this.comparable(field),
        cast: CASTS[field.type],
        descending,
        nullable: Boolean(field.nullable),
      });
    }
    const lastDescending = keys.at(-1)!.descending;
    for (const name of spec.tieBreakers ?? ['id']) {
      if (keys.some((k) => k.name === name)) continue;
      const field = spec.fields[name];
      keys.push({ name, expr: field.sql, cast: CASTS[field.type], descending: lastDescending, nullable: false });
    }
    return keys;
  }

  /**
   * The keyset condition "strictly after the cursor row" in the sort order. A uniform direction
   * over non-null keys becomes one row comparison, which PostgreSQL answers from the index, so a
   * deep page costs what the first does.
   */
  private after(list: CompiledList, values: Array<string | null>): string {
    const keys = list.sortKeys;
    const uniform =
      keys.every((k) => k.descending === keys[0].descending && !k.nullable) && values.every((v) => v !== null);
    if (uniform) {
      const left = keys.map((k) => k.expr).join(', ');
      const right = keys.map((k, i) => list.bind(values[i], k.cast)).join(', ');
      return `(${left}) ${keys[0].descending ? '<' : '>'} (${right})`;
    }
    const bound = keys.map((k, i) => (values[i] === null ? null : list.bind(values[i], k.cast)));
    const equal = (i: number) => (bound[i] === null ? `${keys[i].expr} IS NULL` : `${keys[i].expr} = ${bound[i]}`);
    const beyond = (i: number) => {
      if (bound[i] === null) return 'FALSE'; // NULLS LAST: nothing sorts after a null but other nulls
      const strict = `${keys[i].expr} ${keys[i].descending ? '<' : '>'} ${bound[i]}`;
      return keys[i].nullable ? `(${strict} OR ${keys[i].expr} IS NULL)` : strict;
    };
    const alternatives = keys.map((_, i) => [...keys.slice(0, i).map((__, j) => equal(j)), beyond(i)].join(' AND '));
    return `(${alternatives.map((a) => `(${a})`).join(' OR ')})`;
  }

  /**
   * The MAC covers the list's name and the caller's scope as well as the payload, so a cursor
   * answers only the list, and the owner, that it was issued for.
   */
  private signCursor(list: CompiledList, values: Array<string | null>): string {
    const payload = Buffer.from(JSON.stringify({ s: list.sortSignature, v: values })).toString('base64url');
    return `${payload}.${this.mac(list.cursorScope, payload)}`;
  }

  private verifyCursor(list: CompiledList, cursor: string): Array<string | null> {
    const [payload, mac, extra] = cursor.split('.');
    const expected = payload ? Buffer.from(this.mac(list.cursorScope, payload)) : Buffer.alloc(0);
    if (
      !payload ||
      !mac ||
      extra !== undefined ||
      mac.length !== expected.length ||
      !timingSafeEqual(Buffer.from(mac), expected)
    ) {
      throw new InvalidQuery('the cursor is not valid for this list');
    }
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { s: string; v: Array<string | null> };
    if (decoded.s !== list.sortSignature) throw new InvalidQuery('the cursor belongs to another sort order');
    return decoded.v;
  }

  private mac(scope: string, payload: string): string {
    return createHmac('sha256', this.cursorKey)
      .update(scope)
      .update('\n')
      .update(payload)
      .digest('base64url')
      .slice(0, 22);
  }
}

/**
 * A cursor's rows, one FETCH per `next()`. An iterator object rather than an async generator: a
 * generator suspended at its `yield` keeps its batch alive while the next one is read, and
 * batches that outlive two scavenges are promoted to V8's old space, which then grows by tens of
 * megabytes over a long export before a full collection takes them back.
 */
class CursorBatches<Row> implements AsyncIterableIterator<Row[]> {
  private runner?: QueryRunner;
  private finished = false;

  constructor(
    private readonly db: DataSource,
    private readonly declare: string,
    private readonly params: unknown[],
    private readonly batchSize: number,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Row[]>> {
    if (this.finished) return { done: true, value: undefined };
    try {
      const runner = this.runner ?? (await this.open());
      const rows = (await runner.query(`FETCH ${this.batchSize} FROM export`)) as Row[];
      if (this.finished) return { done: true, value: undefined }; // closed meanwhile
      if (rows.length < this.batchSize) {
        await runner.commitTransaction();
        await this.return();
      }
      return rows.length ? { done: false, value: rows } : { done: true, value: undefined };
    } catch (error) {
      await this.return();
      throw error;
    }
  }

  /** Also what a consumer that stops early (the client went away) calls: the cursor closes, the connection is freed. */
  async return(): Promise<IteratorResult<Row[]>> {
    this.finished = true;
    const runner = this.runner;
    this.runner = undefined;
    if (runner) {
      try {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
    }
    return { done: true, value: undefined };
  }

  private async open(): Promise<QueryRunner> {
    const runner = this.db.createQueryRunner();
    this.runner = runner;
    await runner.connect();
    await runner.startTransaction('REPEATABLE READ');
    await runner.query(this.declare, this.params);
    return runner;
  }
}

/**
 * The list's SELECT in its sort order, with its keys as `__k0…` (a page's cursor is made of the
 * last row's); an export, which has no cursor, reads them not.
 */
function selectSql(
  spec: ListSpec,
  list: CompiledList,
  scope: { sql: string } | undefined,
  { keys = true } = {},
): string {
  const where = [...(scope ? [`(${scope.sql})`] : []), ...list.conditions];
  const order = list.sortKeys
    .map((k) => `${k.expr} ${k.descending ? 'DESC' : 'ASC'}${k.nullable ? ' NULLS LAST' : ''}`)
    .join(', ');
  const keyColumns = keys ? list.sortKeys.map((k, i) => `, ${k.expr} AS "__k${i}"`).join('') : '';
  return (
    `SELECT ${spec.select}${keyColumns} FROM ${spec.from}` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${order}`
  );
}

/**
 * `metadata[key]=value`: an exact match on one key, several keys AND-ed. Containment (`@>`) is what
 * the partial GIN index on the column answers; the explicit IS NOT NULL lets the planner use it.
 */
function metadataCondition(list: CompiledList, field: FieldSpec, key: string, value: string): string {
  if (!METADATA_KEY.test(key))
    throw new InvalidQuery(`metadata key ${JSON.stringify(key)} must be 1 to 40 characters of A-Z a-z 0-9 _ . -`);
  const problem = metadataProblem({ [key]: value });
  if (problem) throw new InvalidQuery(problem);
  return `(${field.sql} IS NOT NULL AND ${field.sql} @> ${list.bind(JSON.stringify({ [key]: value }), 'jsonb')})`;
}

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^[0-9]{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw new InvalidQuery(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return Number(raw);
}

function parseValue(name: string, field: FieldSpec, raw: string): string {
  const bad = (what: string) => new InvalidQuery(`${name}: ${JSON.stringify(raw)} is not ${what}`);
  switch (field.type) {
    case 'uuid':
      if (!UUID.test(raw)) throw bad('a UUID');
      return raw.toLowerCase();
    case 'enum':
      if (!field.values?.includes(raw)) throw bad(`one of ${field.values?.join(', ')}`);
      return raw;
    case 'timestamp':
      if (!isRealTimestamp(raw)) throw bad('an ISO 8601 UTC timestamp');
      return raw;
    case 'money':
      if (!MONEY.test(raw)) throw bad('an amount');
      return raw;
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw bad('true or false');
      return raw;
    case 'integer':
      if (!INTEGER.test(raw)) throw bad('an integer');
      return raw;
    case 'decimal':
      if (!DECIMAL.test(raw)) throw bad('a decimal');
      return raw;
    case 'metadata':
      throw bad('filterable as a whole');
    case 'text':
      if (raw.length > 1000) throw bad('a text of at most 1000 characters');
      if (raw.includes('\u0000')) throw bad('a text without NUL characters'); // PostgreSQL text cannot hold one
      return raw;
  }
}

/**
 * Date.parse rolls 2020-02-30 over to March 1st and takes 24:00 and the year 0000; PostgreSQL
 * refuses all three (its calendar goes from 1 BC straight to AD 1).
 */
function isRealTimestamp(raw: string): boolean {
  const parts = TIMESTAMP.exec(raw);
  return parts !== null && isRealCalendarTime(parts.slice(1, 7).map(Number));
}

function serialise(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  throw new TypeError(`a sort key of type ${typeof value} has no cursor form`);
}
