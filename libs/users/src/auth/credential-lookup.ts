import { Logger } from '@nestjs/common';
import { type BatchStatement, Coalescer } from '#platform';
import type { DataSource } from 'typeorm';

const LAST_USED_RESOLUTION_MS = 60_000;
/** Under load, credential checks share a query at most this often, instead of one query per ~2 requests. */
const MIN_MS_BETWEEN_CHECKS = 4;

/** What a lookup statement answers per row found: `live` computed per row, and whether `last_used_at` is due. */
export interface CredentialRow {
  id: string;
  live: boolean;
  stale: boolean;
}

export interface CredentialLookupOptions<Row> {
  /** The table whose `last_used_at` is kept, by `id`. */
  table: 'access_tokens' | 'api_keys';
  /** Finds the rows of the keys in $1, `stale` when `last_used_at` is older than the resolution in $2 (milliseconds). */
  find: BatchStatement;
  /** The key a row was found by. */
  keyOf: (row: Row) => string;
}

/**
 * Looks credentials up on every request, so a revocation is seen at once by every api instance:
 * the lookups of concurrent requests share one query, and `last_used_at` is written at most once
 * a minute per credential, beside the request.
 */
export class CredentialLookup<Row extends CredentialRow> {
  private readonly logger: Logger;
  private readonly live: Coalescer<string, Row | undefined>;

  constructor(
    private readonly db: DataSource,
    private readonly options: CredentialLookupOptions<Row>,
  ) {
    this.logger = new Logger(`CredentialLookup:${options.table}`);
    this.live = new Coalescer((keys) => this.findLive(keys), { minIntervalMs: MIN_MS_BETWEEN_CHECKS });
  }

  /** The live credential found by `key`, or undefined. */
  find(key: string): Promise<Row | undefined> {
    return this.live.run(key);
  }

  private async findLive(keys: string[]): Promise<Array<Row | undefined>> {
    const found = await this.options.find.run<Row[]>(this.db, [keys, LAST_USED_RESOLUTION_MS]);
    const rows = found.filter((row) => row.live);
    const stale = rows.filter((row) => row.stale).map((row) => row.id);
    if (stale.length) {
      // Not awaited: the request does not wait for its bookkeeping.
      this.db
        .query(`UPDATE ${this.options.table} SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [stale])
        .catch((error: Error) => this.logger.warn(`lastUsedAt not recorded: ${error.message}`));
    }
    const byKey = new Map(rows.map((row) => [this.options.keyOf(row), row]));
    return keys.map((key) => byKey.get(key));
  }
}
