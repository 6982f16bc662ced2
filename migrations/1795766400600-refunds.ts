import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds: a payment of type REFUND names the payment it gives back (`parent_payment_id`).
 *
 * - What is left to refund is derived, never stored: the parent's target amount less its refunds
 *   that have not FAILED, read under the parent's row lock. `payments_refunds` answers that sum,
 *   and the list of a payment's refunds, from an index probe; it names no status, so finishing a
 *   payment stays a HOT update (see SweepWatermark).
 * - `created_at` defaults to the insert's own time: a refund is inserted at the end of a
 *   transaction that waited for its parent's lock, and the sweeper counts on a payment committing
 *   soon after its `created_at`. For the other payments, inserted by an INSERT that is its own
 *   transaction, the insert's time and the transaction's start are the same moment.
 *
 * down() refuses while refunds exist: payments cannot be deleted, and the old type check would not hold.
 */
export class Refunds1795766400600 implements MigrationInterface {
  name = 'Refunds1795766400600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments ADD COLUMN parent_payment_id uuid`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_type_check`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_type_check CHECK (type IN ('TRANSFER', 'DEPOSIT', 'WITHDRAWAL', 'REFUND'))`,
    );
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_refund_has_parent CHECK ((type = 'REFUND') = (parent_payment_id IS NOT NULL))`,
    );
    await db.query(
      `CREATE INDEX payments_refunds ON payments (parent_payment_id, created_at, id) WHERE parent_payment_id IS NOT NULL`,
    );
    await db.query(`ALTER TABLE payments ALTER COLUMN created_at SET DEFAULT clock_timestamp()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments ALTER COLUMN created_at SET DEFAULT now()`);
    await db.query(`DROP INDEX payments_refunds`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_refund_has_parent`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_type_check`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_type_check CHECK (type IN ('TRANSFER', 'DEPOSIT', 'WITHDRAWAL'))`,
    );
    await db.query(`ALTER TABLE payments DROP COLUMN parent_payment_id`);
  }
}
