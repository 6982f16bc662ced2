import jwt from 'jsonwebtoken';
import pg from 'pg';

export interface BenchAccount {
  accountId: string;
  /** `Bearer <jwt>` of the account's owner. */
  authorization: string;
}

export interface Seeded {
  users: BenchAccount[];
  /** Paid by everybody in the hot scenario. */
  merchant: BenchAccount;
  /** Pays everybody in the hot scenario's other variant. */
  payer: BenchAccount;
  /** Holds the long statement. */
  statement: BenchAccount;
}

const CURRENCY = 'USD';
const TOKEN_TTL_S = 86_400;
/** operations.leg is a smallint: this many (bank, account) pairs fit in one seeded payment. */
const PAIRS_PER_PAYMENT = 16_000;

/**
 * Writes the starting ledger straight into the fresh database, the way the ledger would have:
 * every balance is a deposit from `external:bank` with its two operations, so the trial balance
 * is exact from the first request on. Tokens are access_tokens rows signed like the api signs them.
 */
export async function seed(databaseUrl: string, jwtSecret: string, users: number, fundsMinor: bigint): Promise<Seeded> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const funds = fundsMinor.toString();
    await db.query('BEGIN');
    const admin = await one<{ id: string }>(db, `SELECT id FROM users WHERE role = 'ADMIN'`);
    const bank = await one<{ id: string; balance: string }>(
      db,
      `SELECT id, balance FROM accounts WHERE type = 'TECHNICAL' AND code = 'external:bank' AND currency = $1 FOR UPDATE`,
      [CURRENCY],
    );
    await db.query(
      `CREATE TEMP TABLE seed ON COMMIT DROP AS
         SELECT n, gen_random_uuid() AS user_id, gen_random_uuid() AS account_id, gen_random_uuid() AS token_id, gen_random_uuid() AS payment_id
           FROM generate_series(1, $1::int) n`,
      [users + 3],
    );
    await db.query(
      `INSERT INTO users (id, email, name, password_hash, confirmed)
         SELECT user_id, format('bench-%s@bench.test', n), format('bench %s', n), 'seeded: no password login', true FROM seed`,
    );
    await db.query(`INSERT INTO accounts (id, user_id, type, currency, name, balance) SELECT account_id, user_id, 'USER', $1, 'bench', $2 FROM seed`, [
      CURRENCY,
      funds,
    ]);
    await db.query(`INSERT INTO access_tokens (id, user_id, name, expires_at) SELECT token_id, user_id, 'bench', now() + $1 * interval '1 second' FROM seed`, [
      TOKEN_TTL_S,
    ]);
    await db.query(
      `INSERT INTO payments (id, type, status, initiator_id, payee_user_id, from_account_id, to_account_id, amount, currency,
                             commission, target_amount, target_currency, external_ref, request_hash, processed_at)
         SELECT payment_id, 'DEPOSIT', 'COMPLETED', $1, user_id, $2, account_id, $3, $4, 0, $3, $4, 'bench-seed-' || n, 'bench-seed', clock_timestamp() FROM seed`,
      [admin.id, bank.id, funds, CURRENCY],
    );
    await db.query(
      `INSERT INTO operations (payment_id, leg, account_id, type, amount, currency, balance_after)
         SELECT payment_id, 0, $1, 'TRANSFER', -$3::bigint, $4, $2::bigint - n * $3::bigint FROM seed
         UNION ALL
         SELECT payment_id, 1, account_id, 'TRANSFER', $3, $4, $3 FROM seed`,
      [bank.id, bank.balance, funds, CURRENCY],
    );
    await db.query(`UPDATE accounts SET balance = balance - (SELECT count(*) FROM seed) * $2::bigint WHERE id = $1`, [bank.id, funds]);
    const { rows } = await db.query<{ user_id: string; account_id: string; token_id: string }>(`SELECT user_id, account_id, token_id FROM seed ORDER BY n`);
    await db.query('COMMIT');
    const accounts = rows.map((r) => ({
      accountId: r.account_id,
      authorization: `Bearer ${jwt.sign({ sub: r.user_id, jti: r.token_id }, jwtSecret, { algorithm: 'HS256', expiresIn: TOKEN_TTL_S })}`,
    }));
    return { users: accounts.slice(0, users), merchant: accounts[users], payer: accounts[users + 1], statement: accounts[users + 2] };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

/**
 * Gives `accountId` a statement of `operations` rows: deposits from `external:bank` of 0.01 each,
 * up to PAIRS_PER_PAYMENT per payment, one millisecond apart, with uuidv7-shaped ids.
 */
export async function seedStatement(databaseUrl: string, accountId: string, operations: number): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    const bank = await one<{ id: string; balance: string }>(
      db,
      `SELECT id, balance FROM accounts WHERE type = 'TECHNICAL' AND code = 'external:bank' AND currency = $1 FOR UPDATE`,
      [CURRENCY],
    );
    const account = await one<{ balance: string; user_id: string }>(db, `SELECT balance, user_id FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
    const admin = await one<{ id: string }>(db, `SELECT id FROM users WHERE role = 'ADMIN'`);
    await db.query(
      `CREATE TEMP TABLE statement_payments ON COMMIT DROP AS
         SELECT k, gen_random_uuid() AS id, least(${PAIRS_PER_PAYMENT}, $1::int - k * ${PAIRS_PER_PAYMENT}) AS pairs
           FROM generate_series(0, ($1::int - 1) / ${PAIRS_PER_PAYMENT}) k`,
      [operations],
    );
    await db.query(
      `INSERT INTO payments (id, type, status, initiator_id, payee_user_id, from_account_id, to_account_id, amount, currency,
                             commission, target_amount, target_currency, external_ref, request_hash, created_at, processed_at)
         SELECT id, 'DEPOSIT', 'COMPLETED', $1, $2, $3, $4, pairs, '${CURRENCY}', 0, pairs, '${CURRENCY}', 'bench-statement-' || k, 'bench-seed',
                now() - interval '1 day', now() - interval '1 day'
           FROM statement_payments`,
      [admin.id, account.user_id, bank.id, accountId],
    );
    await db.query(
      `INSERT INTO operations (id, payment_id, leg, account_id, type, amount, currency, balance_after, created_at)
         SELECT (substr(t.hex, 1, 8) || '-' || substr(t.hex, 9, 4) || '-7000-8' || side || '00-' || lpad(to_hex(g), 12, '0'))::uuid,
                p.id, 2 * i + side, CASE side WHEN 0 THEN $1::uuid ELSE $2::uuid END, 'TRANSFER', CASE side WHEN 0 THEN -1 ELSE 1 END, '${CURRENCY}',
                CASE side WHEN 0 THEN $3::bigint - g ELSE $4::bigint + g END, t.at
           FROM statement_payments p
          CROSS JOIN generate_series(0, p.pairs - 1) i
          CROSS JOIN LATERAL (SELECT p.k * ${PAIRS_PER_PAYMENT} + i + 1 AS g) n
          CROSS JOIN LATERAL (SELECT now() - interval '1 day' + g * interval '1 millisecond' AS at) ts
          CROSS JOIN LATERAL (SELECT lpad(to_hex((extract(epoch FROM ts.at) * 1000)::bigint), 12, '0') AS hex, ts.at) t
          CROSS JOIN (VALUES (0), (1)) s(side)`,
      [bank.id, accountId, bank.balance, account.balance],
    );
    await db.query(`UPDATE accounts SET balance = balance - $2::bigint WHERE id = $1`, [bank.id, operations]);
    await db.query(`UPDATE accounts SET balance = balance + $2::bigint WHERE id = $1`, [accountId, operations]);
    await db.query('COMMIT');
    await db.query('ANALYZE operations');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

async function one<T extends pg.QueryResultRow>(db: pg.Client, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await db.query<T>(sql, params);
  if (!rows[0]) throw new Error(`seed: nothing found by ${sql.slice(0, 80)}`);
  return rows[0];
}
