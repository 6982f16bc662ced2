import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A `payments` row `p` as a webhook carries it (see below). */
export const PAYMENT_SNAPSHOT = `to_jsonb(p) - 'request_hash' - 'idempotency_key' - 'initiator_id' || jsonb_build_object(
               'amount', p.amount::text, 'commission', p.commission::text, 'target_amount', p.target_amount::text,
               'authorized_amount', p.authorized_amount::text, 'rate', p.rate::text, 'refunded_amount', '0')`;

/** Records one delivery per endpoint concerned by each changed payment (replaced by an events table later). */
export const RECORD_DELIVERIES = `
  CREATE FUNCTION webhook_record_events(changed payments[]) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE
    recorded bigint;
  BEGIN
    WITH events AS MATERIALIZED (
      SELECT gen_random_uuid() AS event_id, 'payment.' || lower(p.status) AS type, p.id, p.payer_user_id, p.payee_user_id,
             ${PAYMENT_SNAPSHOT} AS snapshot
        FROM unnest(changed) p
    ), targets AS (
      SELECT ev.event_id, e.id AS endpoint_id, e.events FROM events ev JOIN webhook_endpoints e ON e.owner_id = ev.payer_user_id AND e.enabled
      UNION
      SELECT ev.event_id, e.id, e.events FROM events ev JOIN webhook_endpoints e ON e.owner_id = ev.payee_user_id AND e.enabled
      UNION
      SELECT ev.event_id, e.id, e.events FROM events ev, users u JOIN webhook_endpoints e ON e.owner_id = u.id AND e.enabled WHERE u.role = 'ADMIN'
    )
    INSERT INTO webhook_deliveries (endpoint_id, event_id, type, payment_id, payment)
    SELECT t.endpoint_id, ev.event_id, ev.type, ev.id, ev.snapshot
      FROM targets t JOIN events ev ON ev.event_id = t.event_id
     WHERE t.events && ARRAY['*', ev.type];
    GET DIAGNOSTICS recorded = ROW_COUNT;
    IF recorded > 0 THEN
      PERFORM pg_notify('webhook_deliveries', '');
    END IF;
  END $$`;

/**
 * Webhooks: endpoints and their deliveries, the outbox of payment events.
 *
 * - Triggers on `payments` record the deliveries in the transaction that inserts a payment or
 *   changes its status, whichever code path does it (intake, ledger, capture, void, expiry,
 *   refunds): an event is committed with its state change or not at all, and the payments code
 *   knows nothing of webhooks. They are statement triggers over transition tables, so a batch
 *   INSERT or UPDATE pays one probe of `webhook_endpoints_enabled`, and nothing more while no
 *   endpoint is enabled.
 * - An endpoint receives the events of payments its owner pays or is paid, or of every payment
 *   when its owner is an administrator at the time of the event (`users_admins` finds them).
 * - Each delivery keeps a snapshot of the payment as it stood: amounts and the rate as text (a
 *   JSON number would lose digits), `refunded_amount` zero since a payment can have no refunds
 *   yet when its status changes (only a COMPLETED one can be refunded, and that is its last change).
 * - `pg_notify` wakes the workers at commit; they poll too, so a missed notification only delays.
 * - A PENDING delivery's `next_attempt_at` is when it is due; a worker that takes it pushes it
 *   forward (a lease), so a worker that dies mid-delivery only delays it to the lease's end.
 */
export class Webhooks1795766400800 implements MigrationInterface {
  name = 'Webhooks1795766400800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id),
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        enabled boolean NOT NULL DEFAULT true,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_endpoints_previous_secret_expires CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
      )`);
    await db.query(`CREATE INDEX webhook_endpoints_by_owner ON webhook_endpoints (owner_id, created_at, id)`);
    await db.query(`CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (owner_id) WHERE enabled`);
    await db.query(`CREATE INDEX users_admins ON users (id) WHERE role = 'ADMIN'`);

    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        type text NOT NULL,
        payment_id uuid NOT NULL,
        payment jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        next_attempt_at timestamptz(3) DEFAULT now(),
        delivered_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_pending_is_due CHECK ((status = 'PENDING') = (next_attempt_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at, id)`);
    await db.query(
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`,
    );

    await db.query(RECORD_DELIVERIES);
    await db.query(`
      CREATE FUNCTION webhook_payments_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled) THEN
          PERFORM webhook_record_events(ARRAY(SELECT n::payments FROM new_rows n));
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION webhook_payments_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled) THEN
          PERFORM webhook_record_events(ARRAY(SELECT n::payments FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.status <> n.status));
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER payments_webhooks_inserted AFTER INSERT ON payments
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_payments_inserted()`);
    // A transition table cannot go with a column list (UPDATE OF status): the status is compared instead.
    await db.query(`
      CREATE TRIGGER payments_webhooks_updated AFTER UPDATE ON payments
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_payments_updated()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER payments_webhooks_updated ON payments`);
    await db.query(`DROP TRIGGER payments_webhooks_inserted ON payments`);
    await db.query(`DROP FUNCTION webhook_payments_updated()`);
    await db.query(`DROP FUNCTION webhook_payments_inserted()`);
    await db.query(`DROP FUNCTION webhook_record_events(payments[])`);
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhook_endpoints`);
    await db.query(`DROP INDEX users_admins`);
  }
}
