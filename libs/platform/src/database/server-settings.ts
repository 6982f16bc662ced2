import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** A PostgreSQL setting the product relies on, the value it expects, and what goes wrong without it. */
interface Expectation {
  name: string;
  expected: string;
  consequence: string;
}

/**
 * What the product expects of its PostgreSQL server. Posting keeps its speed without vacuum and
 * with stale statistics (no statement's plan depends on them), but not its durability or its
 * table sizes.
 */
export const EXPECTED_SERVER_SETTINGS: readonly Expectation[] = [
  { name: 'fsync', expected: 'on', consequence: 'a server crash can corrupt the ledger' },
  { name: 'full_page_writes', expected: 'on', consequence: 'a server crash can corrupt the ledger' },
  {
    name: 'synchronous_commit',
    expected: 'on',
    consequence: 'a server crash can lose payments already accepted (202) and postings already announced',
  },
  {
    name: 'autovacuum',
    expected: 'on',
    consequence:
      'dead rows of payments, holds and deliveries are never reclaimed, and tables only grow; vacuum them on a schedule',
  },
  { name: 'track_counts', expected: 'on', consequence: 'autovacuum cannot tell which tables need it' },
  {
    name: 'default_transaction_isolation',
    expected: 'read committed',
    consequence: 'postings that meet on an account abort and retry instead of waiting for its row lock',
  },
  {
    name: 'plan_cache_mode',
    expected: 'auto',
    consequence: 'batch statements get plans made for small tables, whose cost grows with the tables',
  },
];

/** One line per setting that is not as expected: what it is, what it should be, and why. */
export function settingWarnings(actual: ReadonlyMap<string, string>): string[] {
  return EXPECTED_SERVER_SETTINGS.filter(({ name, expected }) => actual.has(name) && actual.get(name) !== expected).map(
    ({ name, expected, consequence }) =>
      `PostgreSQL ${name} is ${actual.get(name)}, expected ${expected}: ${consequence}`,
  );
}

/** Says at start-up, one warning line each, which of the expected server settings are off. */
@Injectable()
export class ServerSettingsCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('PostgreSQL');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const warning of await this.warnings()) this.logger.warn(warning);
  }

  async warnings(): Promise<string[]> {
    const rows = await this.db.query<Array<{ name: string; setting: string }>>(
      `SELECT name, setting FROM pg_settings WHERE name = ANY($1)`,
      [EXPECTED_SERVER_SETTINGS.map((e) => e.name)],
    );
    return settingWarnings(new Map(rows.map((r) => [r.name, r.setting])));
  }
}
