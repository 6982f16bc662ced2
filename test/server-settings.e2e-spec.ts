import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { PlatformModule, ServerSettingsCheck } from '#platform';
import type { DataSource } from 'typeorm';
import { startContext } from './support/harness.js';

describe('the start-up check of the PostgreSQL settings (against the real server)', () => {
  const database = process.env.TEST_DATABASE_NAME!;

  const warningsOfNewApp = async (): Promise<{ warnings: string[]; autovacuum: string }> => {
    const app: INestApplication = await startContext(PlatformModule);
    try {
      const db = app.get<DataSource>(getDataSourceToken());
      const [{ autovacuum }] = await db.query<Array<{ autovacuum: string }>>(
        `SELECT current_setting('autovacuum') AS autovacuum`,
      );
      return { warnings: await app.get(ServerSettingsCheck).warnings(), autovacuum };
    } finally {
      await app.close();
    }
  };

  it('warns of autovacuum exactly when this server runs without it', async () => {
    const { warnings, autovacuum } = await warningsOfNewApp();
    const warned = warnings.some((w) => w.startsWith('PostgreSQL autovacuum is off'));
    expect(warned).toBe(autovacuum === 'off');
  });

  it('warns of a database whose transactions default to serializable, and no longer once it is reset', async () => {
    const app = await startContext(PlatformModule);
    const db = app.get<DataSource>(getDataSourceToken());
    await db.query(`ALTER DATABASE "${database}" SET default_transaction_isolation = 'serializable'`);
    try {
      expect((await warningsOfNewApp()).warnings).toContainEqual(
        expect.stringMatching(/^PostgreSQL default_transaction_isolation is serializable, expected read committed/),
      );
    } finally {
      await db.query(`ALTER DATABASE "${database}" RESET default_transaction_isolation`);
      await app.close();
    }
    expect((await warningsOfNewApp()).warnings.filter((w) => w.includes('default_transaction_isolation'))).toEqual([]);
  });
});
