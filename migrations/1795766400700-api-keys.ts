import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys: long-lived bearer credentials for a merchant's server. Only the SHA-256 of a key is
 * stored (the CHECK keeps anything else out), found by its unique index on every request.
 */
export class ApiKeys1795766400700 implements MigrationInterface {
  name = 'ApiKeys1795766400700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        read_only boolean NOT NULL,
        secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        prefix text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz(3),
        revoked_at timestamptz(3)
      )`);
    await db.query(`CREATE UNIQUE INDEX api_keys_secret_hash_key ON api_keys (secret_hash)`);
    await db.query(`CREATE INDEX api_keys_live_by_user ON api_keys (user_id, created_at, id) WHERE revoked_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api_keys`);
  }
}
