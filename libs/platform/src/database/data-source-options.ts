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
      // passes jit_above_cost, and on tables without fresh statistics (autovacuum off or lagging) the
      // estimates of a 100-row read reach it: a group's payments took 18 ms to read, 30 of them compiling.
      options: '-c jit=off',
    },
  };
}
