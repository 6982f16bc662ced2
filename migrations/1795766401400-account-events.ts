import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PAYMENT_SNAPSHOT } from './1795766400800-webhooks.js';
import { RECORD_PAYMENT_EVENTS } from './1795766401100-webhook-events.js';

/**
 * Webhook events about other subjects than payments, the first being accounts (frozen, unfrozen,
 * closed).
 *
 * - An event is about one subject: the word before the dot of its type (`payment`, `account`)
 *   says which kind, `subject_id` which one, and `data` is the subject's row as it stood (to_jsonb,
 *   bigints as text). `payment_id` stays for the lists' `paymentId`: the subject of a payment event,
 *   NULL for the others.
 * - `user_ids` are the users who see it besides administrators: a payment's payer and payee, an
 *   account's owner. At most two, each slot with a btree index of its own as payer and payee had,
 *   rather than a GIN index, whose pending list the inserting transaction would have to flush.
 * - `webhook_record(webhook_event_input[])` is the one writer: each subject's trigger maps its
 *   changed rows to inputs and calls it, in the transaction that changes them; it wakes the workers.
 *   The triggers record nothing while no endpoint is enabled, as before.
 * - Accounts: a row trigger fires only when an UPDATE sets a freeze or close column (the ledger's
 *   balance updates never do) and one of them changed.
 */
export class AccountEvents1795766401400 implements MigrationInterface {
  name = 'AccountEvents1795766401400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE webhook_events ALTER COLUMN payment_id DROP NOT NULL, ADD COLUMN subject_id uuid, ADD COLUMN user_ids uuid[]`);
    await db.query(`UPDATE webhook_events SET subject_id = payment_id, user_ids = ARRAY[payer_user_id, payee_user_id]`);
    await db.query(`
      ALTER TABLE webhook_events
        ALTER COLUMN subject_id SET NOT NULL, ALTER COLUMN user_ids SET NOT NULL,
        DROP COLUMN payer_user_id, DROP COLUMN payee_user_id,
        ADD CONSTRAINT webhook_events_users CHECK (cardinality(user_ids) BETWEEN 1 AND 2),
        ADD CONSTRAINT webhook_events_payment CHECK (payment_id = subject_id)`);
    await db.query(`CREATE INDEX webhook_events_by_user1 ON webhook_events ((user_ids[1]), created_at, id)`);
    await db.query(`CREATE INDEX webhook_events_by_user2 ON webhook_events ((user_ids[2]), created_at, id)`);

    await db.query(
      `CREATE TYPE webhook_event_input AS (type text, subject_id uuid, payment_id uuid, user_ids uuid[], data jsonb)`,
    );
    await db.query(`
      CREATE FUNCTION webhook_record(events webhook_event_input[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO webhook_events (type, subject_id, payment_id, user_ids, data)
        SELECT e.type, e.subject_id, e.payment_id, e.user_ids, e.data FROM unnest(events) e;
        IF FOUND THEN
          PERFORM pg_notify('webhook_deliveries', '');
        END IF;
      END $$`);
    // Same signature: the payments triggers keep calling it.
    await db.query(`
      CREATE OR REPLACE FUNCTION webhook_record_events(changed payments[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM webhook_record(ARRAY(
          SELECT ROW('payment.' || lower(p.status), p.id, p.id, ARRAY[p.payer_user_id, p.payee_user_id], ${PAYMENT_SNAPSHOT})::webhook_event_input
            FROM unnest(changed) p));
      END $$`);

    await db.query(`
      CREATE FUNCTION webhook_accounts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled) THEN
          PERFORM webhook_record(ARRAY[ROW(
            CASE WHEN NEW.closed_at IS NOT NULL THEN 'account.closed'
                 WHEN NEW.frozen_mode IS NULL THEN 'account.unfrozen'
                 ELSE 'account.frozen' END,
            NEW.id, NULL, ARRAY[NEW.user_id],
            to_jsonb(NEW) || jsonb_build_object('balance', NEW.balance::text, 'held_balance', NEW.held_balance::text)
          )::webhook_event_input]);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER accounts_webhooks_updated
      AFTER UPDATE OF frozen_mode, frozen_reason, frozen_at, frozen_by, closed_at ON accounts FOR EACH ROW
      WHEN ((OLD.frozen_mode, OLD.frozen_reason, OLD.frozen_at, OLD.frozen_by, OLD.closed_at)
            IS DISTINCT FROM (NEW.frozen_mode, NEW.frozen_reason, NEW.frozen_at, NEW.frozen_by, NEW.closed_at))
      EXECUTE FUNCTION webhook_accounts_updated()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER accounts_webhooks_updated ON accounts`);
    await db.query(`DROP FUNCTION webhook_accounts_updated()`);
    await db.query(`DROP FUNCTION webhook_record_events(payments[])`);
    await db.query(`DROP FUNCTION webhook_record(webhook_event_input[])`);
    await db.query(`DROP TYPE webhook_event_input`);
    // Only payment events fit the table as it was.
    await db.query(`DELETE FROM webhook_events WHERE payment_id IS NULL`);
    await db.query(`
      ALTER TABLE webhook_events ADD COLUMN payer_user_id uuid, ADD COLUMN payee_user_id uuid,
        DROP CONSTRAINT webhook_events_payment, DROP CONSTRAINT webhook_events_users`);
    await db.query(`UPDATE webhook_events SET payer_user_id = user_ids[1], payee_user_id = user_ids[2]`);
    await db.query(`
      ALTER TABLE webhook_events DROP COLUMN user_ids, DROP COLUMN subject_id, ALTER COLUMN payment_id SET NOT NULL`);
    await db.query(`CREATE INDEX webhook_events_by_payer ON webhook_events (payer_user_id, created_at, id)`);
    await db.query(`CREATE INDEX webhook_events_by_payee ON webhook_events (payee_user_id, created_at, id)`);
    await db.query(RECORD_PAYMENT_EVENTS);
  }
}
