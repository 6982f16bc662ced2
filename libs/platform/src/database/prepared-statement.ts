import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A statement the hot paths run hundreds of times a second, sent as a named statement: PostgreSQL
 * parses it once per connection and, after a few runs, keeps one generic plan for it for the life of
 * the connection, whatever the tables have grown to since and whatever their statistics say (this
 * server's autovacuum may be off or lagging). So only a statement whose every plan is an index
 * lookup may be prepared: one key compared by equality, or an INSERT. test/query-plans.e2e-spec.ts
 * plans each of them generically on empty tables and refuses a sequential scan. A statement given
 * an array of keys is a BatchStatement. (What preparing saves: docs/performance.md, "The hot
 * statements are prepared once per connection".) Its name is a hash of its text, so two statements
 * never share a name (node-postgres refuses a name reused with another text on one connection).
 */
export class PreparedStatement {
  /** Every prepared statement of the process, for the plan test. */
  static readonly all = new Set<PreparedStatement>();
  readonly name: string;

  constructor(readonly text: string) {
    this.name = `bg_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    PreparedStatement.all.add(this);
  }

  /**
   * TypeORM hands its query to node-postgres unchanged, and node-postgres takes a named query in
   * place of the text: errors still come back as TypeORM's QueryFailedError.
   */
  run<T>(db: DataSource | EntityManager, params: unknown[]): Promise<T> {
    return db.query<T>({ name: this.name, text: this.text } as unknown as string, params);
  }
}

/**
 * A statement that carries a batch (arrays of keys, `= ANY($1)`, a join on `unnest`): sent unnamed,
 * so PostgreSQL plans each run for the array it is given and the tables as large as they are now. A
 * generic plan, made once while a table was small, joins it by a sequential scan and a hash for
 * every batch ever after, its cost growing with the table. A batch runs a few times a second, so
 * planning it each time costs next to nothing.
 */
export class BatchStatement {
  constructor(readonly text: string) {}

  run<T>(db: DataSource | EntityManager, params: unknown[]): Promise<T> {
    return db.query<T>(this.text, params);
  }
}
