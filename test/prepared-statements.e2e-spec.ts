import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { BatchStatement, PlatformModule, PreparedStatement } from '#platform';
import { type DataSource, QueryFailedError } from 'typeorm';
import { startContext } from './support/harness.js';

describe('a PreparedStatement (against real PostgreSQL)', () => {
  let app: INestApplication;
  let db: DataSource;

  beforeAll(async () => {
    app = await startContext(PlatformModule);
    db = app.get<DataSource>(getDataSourceToken());
  });

  afterAll(() => app.close());

  it('is prepared once per connection and then executed, answering as a plain query does', async () => {
    const square = new PreparedStatement('SELECT $1::int * $1::int AS square');
    const connection = db.createQueryRunner();
    try {
      expect(await square.run(connection.manager, [3])).toEqual([{ square: 9 }]);
      expect(await square.run(connection.manager, [4])).toEqual([{ square: 16 }]);
      // One prepared statement on the server, and both executions planned from it.
      const prepared = (await connection.query(
        `SELECT statement, generic_plans + custom_plans AS executions FROM pg_prepared_statements WHERE name = $1`,
        [square.name],
      )) as Array<{ statement: string; executions: string }>;
      expect(prepared).toEqual([{ statement: square.text, executions: '2' }]);
    } finally {
      await connection.release();
    }
  });

  it('is named by its text: the same text one name, another text another', () => {
    const text = 'SELECT 1';
    expect(new PreparedStatement(text).name).toBe(new PreparedStatement(text).name);
    expect(new PreparedStatement('SELECT 2').name).not.toBe(new PreparedStatement(text).name);
  });

  it("fails as TypeORM's QueryFailedError with PostgreSQL's code, which the ledger's retries read", async () => {
    const divide = new PreparedStatement('SELECT 1 / $1::int AS quotient');
    const failure = await divide.run(db, [0]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(failure).toMatchObject({ driverError: { code: '22012' } });
    expect(await divide.run(db, [2])).toEqual([{ quotient: 0 }]);
  });

  it('sends a BatchStatement unnamed, so each run is planned for its own batch and nothing is kept', async () => {
    const total = new BatchStatement('SELECT sum(n)::int AS total FROM unnest($1::int[]) AS n');
    const connection = db.createQueryRunner();
    try {
      expect(await total.run(connection.manager, [[1, 2, 3]])).toEqual([{ total: 6 }]);
      expect(await total.run(connection.manager, [[4]])).toEqual([{ total: 4 }]);
      const kept = `SELECT count(*)::int AS kept FROM pg_prepared_statements WHERE statement = $1`;
      expect(await connection.query(kept, [total.text])).toEqual([{ kept: 0 }]);
    } finally {
      await connection.release();
    }
  });
});
