import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finishing a payment becomes a HOT update: the new row version stays on its page and no index
 * gets a new entry. Before, the partial index `payments_initiated` (`WHERE status = 'INITIATED'`)
 * named the status, so every finished payment also wrote a new entry into each of the table's six
 * indexes (the WAL that cost: docs/performance.md, "Finishing a payment is a HOT update").
 *
 * - The sweeper finds payments still INITIATED by `payments_by_created` from a watermark instead:
 *   every payment created before `payment_sweep.finished_before` is final (see SweepPaymentsHandler).
 *   Its one row cannot be deleted: without it no sweep would run.
 * - fillfactor 50: each payment is updated exactly once, soon after its insert, so half of each
 *   page is kept for the second version. The heap is no larger than before, when the second version
 *   went to another page.
 */
export class SweepWatermark1795766400400 implements MigrationInterface {
  name = 'SweepWatermark1795766400400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payment_sweep (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        finished_before timestamptz NOT NULL
      )`);
    // No sweep has run under this scheme: the first one examines every payment.
    await db.query(`INSERT INTO payment_sweep (finished_before) VALUES ('-infinity')`);
    await db.query(
      `CREATE TRIGGER payment_sweep_permanent BEFORE DELETE OR TRUNCATE ON payment_sweep FOR EACH STATEMENT EXECUTE FUNCTION rows_are_permanent()`,
    );
    await db.query(`DROP INDEX payments_initiated`);
    await db.query(`ALTER TABLE payments SET (fillfactor = 50)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments RESET (fillfactor)`);
    await db.query(`CREATE INDEX payments_initiated ON payments (created_at) WHERE status = 'INITIATED'`);
    await db.query(`DROP TABLE payment_sweep`);
  }
}
