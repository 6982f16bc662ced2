import type { MigrationInterface, QueryRunner } from 'typeorm';

const PERMANENT_TABLES = ['users', 'accounts', 'payments'] as const;

const FOREIGN_KEYS = [
  ['payments', 'payments_initiator_id_fkey', 'initiator_id', 'users'],
  ['payments', 'payments_payer_user_id_fkey', 'payer_user_id', 'users'],
  ['payments', 'payments_payee_user_id_fkey', 'payee_user_id', 'users'],
  ['payments', 'payments_from_account_id_fkey', 'from_account_id', 'accounts'],
  ['payments', 'payments_to_account_id_fkey', 'to_account_id', 'accounts'],
  ['operations', 'operations_payment_id_fkey', 'payment_id', 'payments'],
  ['operations', 'operations_account_id_fkey', 'account_id', 'accounts'],
] as const;

/**
 * Payments and operations keep their references valid by construction instead of by a
 * foreign-key check per row. Those checks (five per payment, two per operation) were most of the
 * payment INSERT's execution (docs/performance.md, "No foreign-key check per row"), and each one
 * locked the user or account row it named (KEY SHARE: one more WAL record and dirtied page).
 *
 * What they guaranteed still holds:
 * - a reference is only written to a row read just before: the intake stores the accounts it
 *   looked up and the user of a live token; the ledger appends operations for the payments and
 *   accounts it has locked in the same transaction;
 * - a referenced row never goes away: users, accounts and payments refuse DELETE and TRUNCATE, as
 *   operations already did, and no primary key is ever updated.
 */
export class PermanentReferences1795766400300 implements MigrationInterface {
  name = 'PermanentReferences1795766400300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION rows_are_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are permanent: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of PERMANENT_TABLES) {
      await db.query(
        `CREATE TRIGGER ${table}_permanent BEFORE DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION rows_are_permanent()`,
      );
    }
    for (const [table, constraint] of FOREIGN_KEYS)
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint}`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const [table, constraint, column, referenced] of FOREIGN_KEYS) {
      await db.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${constraint} FOREIGN KEY (${column}) REFERENCES ${referenced} (id)`,
      );
    }
    for (const table of PERMANENT_TABLES) await db.query(`DROP TRIGGER ${table}_permanent ON ${table}`);
    await db.query(`DROP FUNCTION rows_are_permanent()`);
  }
}
