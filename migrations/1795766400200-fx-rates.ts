import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exchange rates with their history: setting a rate appends a row, so the past stays as it was.
 * A pair's current rate is its row with the highest id; the identity (not created_at) orders
 * them, so two rates set within one millisecond still have a definite latest.
 */
export class FxRates1795766400200 implements MigrationInterface {
  name = 'FxRates1795766400200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE fx_rates (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        from_currency char(3) NOT NULL,
        to_currency char(3) NOT NULL,
        rate numeric NOT NULL CHECK (rate > 0),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT fx_rates_distinct_currencies CHECK (from_currency <> to_currency)
      )`);
    await db.query(`CREATE INDEX fx_rates_latest_by_pair ON fx_rates (from_currency, to_currency, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE fx_rates`);
  }
}
