import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, payments and the append-only operations journal. The database backs the code:
 * user balances cannot go negative, operations cannot be changed, keys cannot repeat.
 */
export class Ledger1795766400100 implements MigrationInterface {
  name = 'Ledger1795766400100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users (id),
        type text NOT NULL CHECK (type IN ('USER', 'TECHNICAL')),
        code text,
        currency char(3) NOT NULL,
        name text NOT NULL,
        balance bigint NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT accounts_owner CHECK ((type = 'USER') = (user_id IS NOT NULL) AND (type = 'TECHNICAL') = (code IS NOT NULL)),
        CONSTRAINT accounts_user_balance_not_negative CHECK (type = 'TECHNICAL' OR balance >= 0)
      )`);
    await db.query(`CREATE UNIQUE INDEX accounts_technical_code ON accounts (code, currency) WHERE type = 'TECHNICAL'`);
    await db.query(`CREATE INDEX accounts_by_user ON accounts (user_id, created_at, id)`);
    await db.query(`CREATE INDEX accounts_by_created ON accounts (created_at, id)`);

    await db.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('TRANSFER', 'DEPOSIT', 'WITHDRAWAL')),
        status text NOT NULL DEFAULT 'INITIATED' CHECK (status IN ('INITIATED', 'COMPLETED', 'FAILED')),
        initiator_id uuid NOT NULL REFERENCES users (id),
        payer_user_id uuid REFERENCES users (id),
        payee_user_id uuid REFERENCES users (id),
        from_account_id uuid NOT NULL REFERENCES accounts (id),
        to_account_id uuid NOT NULL REFERENCES accounts (id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        commission bigint NOT NULL CHECK (commission >= 0),
        target_amount bigint NOT NULL CHECK (target_amount > 0),
        target_currency char(3) NOT NULL,
        rate numeric,
        description text,
        destination text,
        external_ref text,
        failure_reason text,
        idempotency_key text,
        request_hash text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        processed_at timestamptz(3),
        CONSTRAINT payments_distinct_accounts CHECK (from_account_id <> to_account_id),
        CONSTRAINT payments_final_has_time CHECK ((status = 'INITIATED') = (processed_at IS NULL)),
        CONSTRAINT payments_failed_has_reason CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL))
      )`);
    await db.query(
      `CREATE UNIQUE INDEX payments_idempotency_key ON payments (initiator_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await db.query(
      `CREATE UNIQUE INDEX payments_external_ref ON payments (external_ref) WHERE external_ref IS NOT NULL`,
    );
    await db.query(`CREATE INDEX payments_by_created ON payments (created_at, id)`);
    await db.query(`CREATE INDEX payments_by_payer ON payments (payer_user_id, created_at, id)`);
    await db.query(`CREATE INDEX payments_by_payee ON payments (payee_user_id, created_at, id)`);
    await db.query(`CREATE INDEX payments_initiated ON payments (created_at) WHERE status = 'INITIATED'`);

    await db.query(`
      CREATE TABLE operations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payments (id),
        leg smallint NOT NULL,
        account_id uuid NOT NULL REFERENCES accounts (id),
        type text NOT NULL CHECK (type IN ('TRANSFER', 'COMMISSION', 'EXCHANGE')),
        amount bigint NOT NULL CHECK (amount <> 0),
        currency char(3) NOT NULL,
        balance_after bigint NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT operations_one_per_leg UNIQUE (payment_id, leg)
      )`);
    await db.query(`CREATE INDEX operations_by_account ON operations (account_id, created_at, id)`);
    await db.query(`
      CREATE FUNCTION operations_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'operations are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await db.query(`
      CREATE TRIGGER operations_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON operations
      FOR EACH STATEMENT EXECUTE FUNCTION operations_are_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE operations`);
    await db.query(`DROP FUNCTION operations_are_append_only()`);
    await db.query(`DROP TABLE payments`);
    await db.query(`DROP TABLE accounts`);
  }
}
