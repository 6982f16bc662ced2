import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { startApp, type RunningApp, type StartOptions } from './harness.js';
import { trialBalance } from './money.js';
import { type OwnDatabase, ownDatabase } from './own-database.js';
import { ADMIN_ENV, loginAdmin, type TestUser } from './users.js';

export interface LedgerSuite {
  api: RunningApp;
  admin: TestUser;
  db: DataSource;
  /** Absent with `worker: false`. */
  worker?: RunningApp;
}

/**
 * A test file's api (with an administrator), and unless `worker: false` an in-process worker whose
 * sweeper waits to be called; once the file is done, the trial balance must hold to the last minor
 * unit in every currency. The fields are set in `beforeAll`.
 */
export function ledgerSuite(
  options: {
    worker?: false | Record<string, string>;
    api?: Record<string, string>;
    beforeListen?: StartOptions['beforeListen'];
    /** A database of the file's own, named with this label: for a file that sweeps every stale payment. */
    ownDatabase?: string;
  } = {},
): LedgerSuite {
  const suite = {} as LedgerSuite;
  // Its own Redis prefix, so that the many users it registers use up no other file's login budget.
  const env: Record<string, string> = {
    ...ADMIN_ENV,
    LOGIN_LIMIT_PER_IP: '10000',
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-${randomUUID().slice(0, 8)}`,
  };
  let own: OwnDatabase | undefined;
  beforeAll(async () => {
    if (options.ownDatabase) {
      own = await ownDatabase(options.ownDatabase);
      env.DATABASE_URL = own.env.DATABASE_URL;
    }
    suite.api = await startApp(undefined, { env: { ...env, ...options.api }, beforeListen: options.beforeListen });
    if (options.worker !== false)
      suite.worker = await startApp(WorkerModule, { env: { ...env, SWEEP_INTERVAL_MS: '3600000', ...options.worker } });
    suite.admin = await loginAdmin(suite.api);
    suite.db = suite.api.app.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => {
    try {
      const check = await trialBalance(suite.api, suite.admin);
      expect(check).toMatchObject({ balanced: true, mismatchedAccounts: [] });
      expect(check.currencies.every((c) => /^0(\.0+)?$/.test(c.sum))).toBe(true);
    } finally {
      await suite.worker?.close();
      await suite.api?.close();
      await own?.drop();
    }
  });
  return suite;
}
