import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payment groups: many payments accepted in one request and posted in one ledger transaction.
 *
 * - A group is stored with its payments in one transaction; each payment names its group and its
 *   place in it (`item_index`), which is the order the ledger applies them in. The unique index on
 *   (group_id, item_index) serves both the worker's read of a whole group and `?groupId=`.
 * - `conditions` (minor units as strings) are the item's preconditions, checked at posting.
 * - A group is INITIATED until the transaction that posts its payments marks it COMPLETED or
 *   FAILED, with its counts and, when atomic and failed, the failing item and its reason.
 * - That transaction also records its webhook event (`payment_group.completed` / `.failed`, seen
 *   by its sender) through `webhook_record`, as the payments and accounts triggers do.
 */
export class PaymentGroups1795766401500 implements MigrationInterface {
  name = 'PaymentGroups1795766401500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payment_groups (
        id uuid PRIMARY KEY,
        initiator_id uuid NOT NULL REFERENCES users (id),
        atomic boolean NOT NULL,
        status text NOT NULL DEFAULT 'INITIATED' CHECK (status IN ('INITIATED', 'COMPLETED', 'FAILED')),
        item_count int NOT NULL CHECK (item_count BETWEEN 1 AND 1000),
        description text,
        metadata jsonb CHECK (jsonb_typeof(metadata) = 'object'),
        idempotency_key text,
        request_hash text NOT NULL,
        completed_count int,
        failed_count int,
        failed_item_index int,
        failure_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        processed_at timestamptz(3),
        CONSTRAINT payment_groups_final_counted CHECK ((status = 'INITIATED') = (processed_at IS NULL)
          AND (status = 'INITIATED') = (completed_count IS NULL) AND (status = 'INITIATED') = (failed_count IS NULL)),
        CONSTRAINT payment_groups_failed_has_reason CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL))
      )`);
    await db.query(
      `CREATE UNIQUE INDEX payment_groups_idempotency_key ON payment_groups (initiator_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL`,
    );
    // Kept forever, as payments are: their payments name them.
    await db.query(
      `CREATE TRIGGER payment_groups_permanent BEFORE DELETE OR TRUNCATE ON payment_groups
       FOR EACH STATEMENT EXECUTE FUNCTION rows_are_permanent()`,
    );
    await db.query(`CREATE INDEX payment_groups_by_initiator ON payment_groups (initiator_id, created_at, id)`);
    await db.query(`CREATE INDEX payment_groups_by_time ON payment_groups (created_at, id)`);
    await db.query(
      `CREATE INDEX payment_groups_metadata ON payment_groups USING gin (metadata jsonb_path_ops)
        WHERE metadata IS NOT NULL`,
    );
    await db.query(`
      ALTER TABLE payments
        ADD COLUMN group_id uuid REFERENCES payment_groups (id),
        ADD COLUMN item_index smallint,
        ADD COLUMN conditions jsonb,
        ADD CONSTRAINT payments_group_item CHECK ((group_id IS NULL) = (item_index IS NULL))`);
    await db.query(
      `CREATE UNIQUE INDEX payments_by_group ON payments (group_id, item_index) WHERE group_id IS NOT NULL`,
    );
    await db.query(`
      CREATE FUNCTION webhook_payment_groups_settled() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled) THEN
          PERFORM webhook_record(ARRAY[ROW(
            'payment_group.' || lower(NEW.status), NEW.id, NULL, ARRAY[NEW.initiator_id],
            to_jsonb(NEW) - 'request_hash' - 'idempotency_key'
          )::webhook_event_input]);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER payment_groups_webhooks_settled AFTER UPDATE OF status ON payment_groups FOR EACH ROW
      WHEN (OLD.status = 'INITIATED' AND NEW.status <> 'INITIATED') EXECUTE FUNCTION webhook_payment_groups_settled()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER payment_groups_webhooks_settled ON payment_groups`);
    await db.query(`DROP FUNCTION webhook_payment_groups_settled()`);
    await db.query(`DELETE FROM webhook_events WHERE type LIKE 'payment\\_group.%'`);
    await db.query(`DROP INDEX payments_by_group`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_group_item, DROP COLUMN conditions,
                      DROP COLUMN item_index, DROP COLUMN group_id`);
    await db.query(`DROP TABLE payment_groups`);
  }
}
