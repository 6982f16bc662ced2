import type { DataSourceOptions } from 'typeorm';

/** One place that says how the application talks to PostgreSQL. Schema changes go through migrations/. */
export function dataSourceOptions(databaseUrl: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    poolSize,
    extra: { connectionTimeoutMillis: 3000, query_timeout: 30_000, application_name: 'billing-gateway' },
  };
}
