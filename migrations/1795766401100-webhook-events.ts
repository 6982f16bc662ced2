import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PAYMENT_SNAPSHOT, RECORD_DELIVERIES } from './1795766400800-webhooks.js';

/** Records one event per changed payment (generalised to other subjects later). */
export const RECORD_PAYMENT_EVENTS = `
  CREATE FUNCTION webhook_record_events(changed payments[]) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO webhook_events (type, payment_id, payer_user_id, payee_user_id, data)
    SELECT 'payment.' || lower(p.status), p.id, p.payer_user_id, p.payee_user_id, ${PAYMENT_SNAPSHOT}
      FROM unnest(changed) p;
    IF FOUND THEN
      PERFORM pg_notify('webhook_deliveries', '');
    END IF;
  END $$`;

/**
 * Webhook events: the posting transaction records one compact row per payment event; the fan-out
 * to endpoints happens afterwards, in the worker, in batches.
 *
 * - An event is pending until `fanned_out_at` is set, which the fan-out does in the transaction
 *   that inserts its deliveries: the bookkeeping is per event and depends on nothing but this
 *   database's committed rows (never on other transactions' horizon), a crash mid-fan-out leaves
 *   the events pending, and workers fan out side by side (`FOR UPDATE SKIP LOCKED`). The posting
 *   transaction only inserts the row (the column defaults to NULL); the partial index holds the
 *   pending events alone.
 * - A delivery is (endpoint, event) and points at its event's snapshot instead of copying it.
 *   `next_attempt_at` says when a PENDING delivery is due; `leased_until` that a worker is sending it
 *   until then; `resend` that a retry was asked while it was being sent, so it goes again afterwards
 *   instead of in parallel.
 * - Deliveries are purged with their event (`ON DELETE CASCADE`), found by `created_at`.
 */
export class WebhookEvents1795766401100 implements MigrationInterface {
  name = 'WebhookEvents1795766401100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL,
        payment_id uuid NOT NULL,
        payer_user_id uuid,
        payee_user_id uuid,
        data jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        fanned_out_at timestamptz(3)
      )`);
    await db.query(`CREATE INDEX webhook_events_pending ON webhook_events (created_at) WHERE fanned_out_at IS NULL`);
    await db.query(`CREATE INDEX webhook_events_by_time ON webhook_events (created_at, id)`);
    await db.query(`CREATE INDEX webhook_events_by_payer ON webhook_events (payer_user_id, created_at, id)`);
    await db.query(`CREATE INDEX webhook_events_by_payee ON webhook_events (payee_user_id, created_at, id)`);
    // Every event copied here has its deliveries already: it is not pending.
    await db.query(`
      INSERT INTO webhook_events (id, type, payment_id, payer_user_id, payee_user_id, data, created_at, fanned_out_at)
      SELECT DISTINCT ON (event_id) event_id, type, payment_id, (payment->>'payer_user_id')::uuid, (payment->>'payee_user_id')::uuid, payment,
             created_at, created_at
        FROM webhook_deliveries ORDER BY event_id, created_at`);

    await db.query(`DROP INDEX webhook_deliveries_due`);
    await db.query(`ALTER TABLE webhook_deliveries DROP COLUMN type, DROP COLUMN payment_id, DROP COLUMN payment,
                      ADD COLUMN leased_until timestamptz(3), ADD COLUMN resend boolean NOT NULL DEFAULT false,
                      ADD CONSTRAINT webhook_deliveries_event FOREIGN KEY (event_id) REFERENCES webhook_events (id) ON DELETE CASCADE`);
    await db.query(
      `CREATE UNIQUE INDEX webhook_deliveries_one_per_event ON webhook_deliveries (event_id, endpoint_id)`,
    );
    await db.query(
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'PENDING'`,
    );

    await db.query(`DROP FUNCTION webhook_record_events(payments[])`);
    await db.query(RECORD_PAYMENT_EVENTS);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION webhook_record_events(payments[])`);
    await db.query(RECORD_DELIVERIES);
    await db.query(`DROP INDEX webhook_deliveries_due`);
    await db.query(`DROP INDEX webhook_deliveries_one_per_event`);
    await db.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event, DROP COLUMN leased_until, DROP COLUMN resend,
                      ADD COLUMN type text, ADD COLUMN payment_id uuid, ADD COLUMN payment jsonb`);
    await db.query(
      `UPDATE webhook_deliveries d SET type = ev.type, payment_id = ev.payment_id, payment = ev.data FROM webhook_events ev WHERE ev.id = d.event_id`,
    );
    await db.query(
      `ALTER TABLE webhook_deliveries ALTER COLUMN type SET NOT NULL, ALTER COLUMN payment_id SET NOT NULL, ALTER COLUMN payment SET NOT NULL`,
    );
    await db.query(
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`,
    );
    await db.query(`DROP TABLE webhook_events`);
  }
}
