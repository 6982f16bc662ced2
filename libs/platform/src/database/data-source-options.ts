import type { DataSourceOptions } from 'typeorm';

/**
 * How long one statement may run. Both sides enforce it: the client stops waiting and the server
 * cancels the statement, so no write commits long after its caller gave up (the sweeper counts on it).
 */
export const STATEMENT_TIMEOUT_MS = 30_000;

/** One place that says how the application talks to PostgreSQL. Schema changes go through migrations/. */
export function dataSourceOptions(databaseUrl: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    poolSize,
    extra: {
      connectionTimeoutMillis: 3000,
      query_timeout: STATEMENT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      application_name: 'billing-gateway',
      // Every statement here is a short OLTP one; PostgreSQL's JIT compiles a plan whose estimated cost
      // passes jit_above_cost, which on tables without fresh statistics (autovacuum off or lagging) even
      // a 100-row read reaches, and compiling then costs far more than running (docs/performance.md, JIT).
      options: '-c jit=off',
    },
  };
}
