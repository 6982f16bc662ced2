import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A statement the hot paths run hundreds of times a second, sent as a named statement: PostgreSQL
 * parses and plans it once per connection instead of on every call (what that saves:
 * docs/performance.md, "The hot statements are prepared once per connection"). Its name is a hash of its text, so two statements never share a name
 * (node-postgres refuses a name reused with another text on one connection).
 */
export class PreparedStatement {
  readonly name: string;

  constructor(readonly text: string) {
    this.name = `bg_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  }

  /**
   * TypeORM hands its query to node-postgres unchanged, and node-postgres takes a named query in
   * place of the text: errors still come back as TypeORM's QueryFailedError.
   */
  run<T>(db: DataSource | EntityManager, params: unknown[]): Promise<T> {
    return db.query<T>({ name: this.name, text: this.text } as unknown as string, params);
  }
}
