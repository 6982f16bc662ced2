/** `metadata`: a jsonb object of strings, filtered key by key (`metadata[key]=value`), never sorted. */
export type FieldType =
  'uuid' | 'text' | 'enum' | 'timestamp' | 'money' | 'boolean' | 'integer' | 'decimal' | 'metadata';

export interface FieldSpec {
  /** A trusted SQL expression (from code, never from input). */
  sql: string;
  type: FieldType;
  /** enum: the allowed values. */
  values?: readonly string[];
  nullable?: boolean;
  /** money: the SQL expression of the row's currency code, so amounts compare as money across currencies. */
  currencySql?: string;
}

/** What a collection endpoint lets clients filter and sort by: the API's field names mapped to SQL. */
export interface ListSpec {
  /** Names the list in its cursors: a cursor is refused by every list but the one that issued it. */
  name: string;
  /** `FROM ...` clause contents (a table, or trusted joins). */
  from: string;
  /** Columns to select, aliased to the names the mapper reads. */
  select: string;
  fields: Record<string, FieldSpec>;
  /** Applied when the client gives no `sort`, e.g. `-createdAt`. */
  defaultSort: string;
  /** Appended to every sort so the order is total; `['id']` unless the resource says otherwise. */
  tieBreakers?: string[];
}

export interface RawListParams {
  /** The raw query string (without `?`): parsed here, not by the framework, so `field[op]` keys stay literal. */
  queryString: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}
