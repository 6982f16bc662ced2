import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A merchant's back office: metadata, frozen and closed accounts.
 *
 * - `metadata` (payments, accounts, webhook endpoints) is NULL when there is none, and its GIN
 *   indexes are partial: the payments of the hot path, which carry none, add no index entry.
 *   `jsonb_path_ops` serves the lists' exact-match filter (`@>`) and nothing else.
 * - An account is frozen (debits, credits or all) while `frozen_mode` is set, and closed once
 *   `closed_at` is: the ledger reads both under the account lock it posts with. Technical accounts
 *   are neither. `account_audit` keeps who froze, unfroze or closed an account, and when.
 */
export class BackOffice1795766401300 implements MigrationInterface {
  name = 'BackOffice1795766401300';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['payments', 'accounts', 'webhook_endpoints']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN metadata jsonb CHECK (jsonb_typeof(metadata) = 'object')`);
      await db.query(
        `CREATE INDEX ${table}_metadata ON ${table} USING gin (metadata jsonb_path_ops) WHERE metadata IS NOT NULL`,
      );
    }
    await db.query(`
      ALTER TABLE accounts
        ADD COLUMN frozen_mode text CHECK (frozen_mode IN ('debits', 'credits', 'all')),
        ADD COLUMN frozen_reason text,
        ADD COLUMN frozen_at timestamptz(3),
        ADD COLUMN frozen_by uuid,
        ADD COLUMN closed_at timestamptz(3),
        ADD CONSTRAINT accounts_frozen_whole CHECK ((frozen_mode IS NULL) = (frozen_at IS NULL) AND (frozen_mode IS NULL) = (frozen_by IS NULL)),
        ADD CONSTRAINT accounts_technical_stay_open CHECK (type = 'USER' OR (frozen_mode IS NULL AND closed_at IS NULL)),
        ADD CONSTRAINT accounts_closed_empty CHECK (closed_at IS NULL OR (balance = 0 AND held_balance = 0))`);
    await db.query(`
      CREATE TABLE account_audit (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL,
        action text NOT NULL CHECK (action IN ('FROZEN', 'UNFROZEN', 'CLOSED')),
        mode text,
        reason text,
        actor_id uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX account_audit_by_account ON account_audit (account_id, created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE account_audit`);
    await db.query(`
      ALTER TABLE accounts
        DROP CONSTRAINT accounts_closed_empty, DROP CONSTRAINT accounts_technical_stay_open, DROP CONSTRAINT accounts_frozen_whole,
        DROP COLUMN closed_at, DROP COLUMN frozen_by, DROP COLUMN frozen_at, DROP COLUMN frozen_reason, DROP COLUMN frozen_mode`);
    for (const table of ['webhook_endpoints', 'accounts', 'payments']) {
      await db.query(`DROP INDEX ${table}_metadata`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN metadata`);
    }
  }
}
