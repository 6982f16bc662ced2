import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Users1795766400000 implements MigrationInterface {
  name = 'Users1795766400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email)),
        name text,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'USER' CHECK (role IN ('USER', 'ADMIN')),
        confirmed boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await db.query(`
      CREATE TABLE access_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz(3),
        expires_at timestamptz(3) NOT NULL,
        revoked_at timestamptz(3)
      )`);
    await db.query(
      `CREATE INDEX access_tokens_live_by_user ON access_tokens (user_id, created_at, id) WHERE revoked_at IS NULL`,
    );
    await db.query(`
      CREATE TABLE email_confirmations (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3) NOT NULL,
        used_at timestamptz(3)
      )`);
    await db.query(`CREATE INDEX email_confirmations_by_user ON email_confirmations (user_id) WHERE used_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE email_confirmations`);
    await db.query(`DROP TABLE access_tokens`);
    await db.query(`DROP TABLE users`);
  }
}
