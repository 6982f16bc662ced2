import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { issueConfirmationToken } from '../scripts/confirmation-token.js';

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
/** Seeding clients at once: registration and login hash passwords (argon2), which takes the api's cores. */
const SEEDING_CLIENTS = 16;
const SETTLE_POLL_MS = 200;
/** operations.leg is a smallint: this many (bank, account) pairs fit in one seeded statement payment. */
const PAIRS_PER_PAYMENT = 16_000;
const SETTLE_TIMEOUT_MS = 120_000;

interface Credentials {
  email: string;
  password: string;
}

/**
 * Seeds as real clients would, through the public API of the running api: each user registers,
 * confirms the e-mail (with a token issued in the database, as the demo does without SMTP), logs
 * in and opens a USD account, which the administrator funds by a bank deposit that the worker
 * posts. Nothing is written behind the api's back, and nothing is analysed or vacuumed, so the
 * tables and their statistics are as a real start would leave them.
 */
export async function seed(
  apiUrl: string,
  databaseUrl: string,
  admin: Credentials,
  users: number,
  fundsMinor: bigint,
): Promise<Seeded> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const api = new SeedingClient(apiUrl);
    const adminToken = await api.login(admin);
    const amount = `${fundsMinor / 100n}.${(fundsMinor % 100n).toString().padStart(2, '0')}`;
    const run = randomBytes(4).toString('hex');
    const accounts = new Array<BenchAccount>(users + 3);
    let next = 0;
    const seedOne = async (n: number) => {
      const person = { email: `bench-${run}-${n}@bench.test`, password: randomBytes(12).toString('hex') };
      await api.call('POST', '/auth/register', undefined, { ...person, name: `bench ${n}` }, 201);
      const token = await issueConfirmationToken(db, person.email);
      await api.call('POST', '/auth/confirm', undefined, { token }, 200);
      const authorization = `Bearer ${await api.login(person)}`;
      const { id: accountId } = await api.call(
        'POST',
        '/accounts',
        authorization,
        { currency: CURRENCY, name: 'bench' },
        201,
      );
      await api.call(
        'POST',
        '/deposits',
        `Bearer ${adminToken}`,
        { accountId, amount, externalRef: `bench-seed-${run}-${n}` },
        202,
      );
      accounts[n] = { accountId: String(accountId), authorization };
    };
    await Promise.all(
      Array.from({ length: SEEDING_CLIENTS }, async () => {
        for (let n = next++; n < accounts.length; n = next++) await seedOne(n);
      }),
    );
    await settled(db, `bench-seed-${run}-%`);
    return {
      users: accounts.slice(0, users),
      merchant: accounts[users],
      payer: accounts[users + 1],
      statement: accounts[users + 2],
    };
  } finally {
    await db.end();
  }
}

/** Waits until the worker has posted every seeding deposit; fails if one did not complete. */
async function settled(db: pg.Client, externalRefs: string): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const { rows } = await db.query<{ pending: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status = 'INITIATED')::int AS pending, count(*) FILTER (WHERE status <> 'COMPLETED' AND status <> 'INITIATED')::int AS failed
         FROM payments WHERE external_ref LIKE $1`,
      [externalRefs],
    );
    if (rows[0].failed) throw new Error(`seed: ${rows[0].failed} deposits did not complete`);
    if (!rows[0].pending) return;
    if (Date.now() > deadline) throw new Error(`seed: ${rows[0].pending} deposits still pending`);
    await sleep(SETTLE_POLL_MS);
  }
}

/** The few calls seeding makes, each expecting one status. */
class SeedingClient {
  constructor(private readonly apiUrl: string) {}

  async login(credentials: Credentials): Promise<string> {
    const { accessToken } = await this.call('POST', '/auth/login', undefined, credentials, 201);
    return String(accessToken);
  }

  async call(
    method: string,
    path: string,
    authorization: string | undefined,
    body: unknown,
    expected: number,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.apiUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (response.status !== expected)
      throw new Error(`seed: ${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer;
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
    const account = await one<{ balance: string; user_id: string }>(
      db,
      `SELECT balance, user_id FROM accounts WHERE id = $1 FOR UPDATE`,
      [accountId],
    );
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
