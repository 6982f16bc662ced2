import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holds (two-phase transfers): a payment with `capture = 'manual'` is AUTHORIZED by reserving its
 * amount and commission on the payer's account, then captured (COMPLETED), voided or expired.
 *
 * - `accounts.held_balance` is the sum of the account's live holds; a user account's available
 *   balance (`balance - held_balance`) may not go negative, which the database checks too.
 * - `holds` has one row per live hold, deleted when the hold is captured, voided or expires; its
 *   expiry index is what the sweeper walks, since no index on payments names the status.
 * - `capture_requests` remembers each capture's Idempotency-Key, written in the capture's transaction.
 */
export class Holds1795766400500 implements MigrationInterface {
  name = 'Holds1795766400500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE accounts ADD COLUMN held_balance bigint NOT NULL DEFAULT 0 CHECK (held_balance >= 0)`);
    await db.query(`ALTER TABLE accounts DROP CONSTRAINT accounts_user_balance_not_negative`);
    await db.query(
      `ALTER TABLE accounts ADD CONSTRAINT accounts_user_available_not_negative CHECK (type = 'TECHNICAL' OR balance - held_balance >= 0)`,
    );

    await db.query(
      `ALTER TABLE payments ADD COLUMN capture text NOT NULL DEFAULT 'automatic' CHECK (capture IN ('automatic', 'manual'))`,
    );
    await db.query(`ALTER TABLE payments ADD COLUMN authorized_amount bigint CHECK (authorized_amount > 0)`);
    await db.query(`ALTER TABLE payments ADD COLUMN expires_at timestamptz(3)`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('INITIATED', 'AUTHORIZED', 'COMPLETED', 'FAILED', 'VOIDED', 'EXPIRED'))`,
    );
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_final_has_time`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_final_has_time CHECK ((status IN ('INITIATED', 'AUTHORIZED')) = (processed_at IS NULL))`,
    );
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_only_manual_authorized CHECK (capture = 'manual' OR status NOT IN ('AUTHORIZED', 'VOIDED', 'EXPIRED'))`,
    );
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_authorized_has_hold_terms CHECK ((authorized_amount IS NULL) = (expires_at IS NULL))`,
    );

    await db.query(`
      CREATE TABLE holds (
        payment_id uuid PRIMARY KEY,
        account_id uuid NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        expires_at timestamptz(3) NOT NULL
      )`);
    await db.query(`CREATE INDEX holds_by_expiry ON holds (expires_at, payment_id)`);

    await db.query(`
      CREATE TABLE capture_requests (
        user_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        payment_id uuid NOT NULL,
        request_hash text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, idempotency_key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE capture_requests`);
    await db.query(`DROP TABLE holds`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_authorized_has_hold_terms`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_only_manual_authorized`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_final_has_time`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_final_has_time CHECK ((status = 'INITIATED') = (processed_at IS NULL))`,
    );
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('INITIATED', 'COMPLETED', 'FAILED'))`,
    );
    await db.query(`ALTER TABLE payments DROP COLUMN expires_at, DROP COLUMN authorized_amount, DROP COLUMN capture`);
    await db.query(`ALTER TABLE accounts DROP CONSTRAINT accounts_user_available_not_negative`);
    await db.query(
      `ALTER TABLE accounts ADD CONSTRAINT accounts_user_balance_not_negative CHECK (type = 'TECHNICAL' OR balance >= 0)`,
    );
    await db.query(`ALTER TABLE accounts DROP COLUMN held_balance`);
  }
}
