import pg from 'pg';
import { PreparedStatement } from '#platform';
import { ApiModule } from '../apps/api/src/api.module.js';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { migrateTestDatabase, testDatabaseUrl } from './support/harness.js';

/** The highest `$n` of a statement: how many parameters its EXPLAIN EXECUTE must pass. */
const parameterCount = (text: string) => Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

/**
 * A prepared statement keeps the generic plan PostgreSQL makes for it, whatever the tables grow to
 * later and however stale their statistics: one that scans a table grows dearer with every row.
 * Planned here as PostgreSQL plans it for good: generically, on a schema whose tables are small and
 * never analysed, as they are when a fresh api or worker first runs it.
 */
describe('the query plans of the prepared statements', () => {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });

  beforeAll(async () => {
    await migrateTestDatabase();
    await client.connect();
    await client.query('SET plan_cache_mode = force_generic_plan');
  });
  afterAll(() => client.end());

  it('knows the statements of both apps', () => {
    // Imported for their statements, which register themselves as their modules load.
    expect([ApiModule, WorkerModule]).toHaveLength(2);
    expect(PreparedStatement.all.size).toBeGreaterThan(0);
  });

  it('plans every one by index, never by a sequential scan', async () => {
    const scanning: string[] = [];
    for (const statement of PreparedStatement.all) {
      await client.query(`PREPARE probe AS ${statement.text}`);
      try {
        const nulls = Array.from({ length: parameterCount(statement.text) }, () => 'NULL').join(', ');
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN EXECUTE probe${nulls ? `(${nulls})` : ''}`,
        );
        const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
        if (/Seq Scan/.test(plan)) scanning.push(`${statement.text}\n${plan}`);
      } finally {
        await client.query('DEALLOCATE probe');
      }
    }
    expect(scanning).toEqual([]);
  });
});
