import { randomUUID } from 'node:crypto';
import type { INestApplication, Type } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Leg } from '#ledger';
import type { DataSource } from 'typeorm';
import { startContext } from './harness.js';

/** Rows the ledger needs, written straight to the database: the ledger does not care how they came. */
export class LedgerFixtures {
  constructor(private readonly db: DataSource) {}

  async user(): Promise<string> {
    const [row] = await this.db.query(`INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id`, [
      `ledger-${randomUUID()}@example.test`,
    ]);
    return row.id;
  }

  async account(userId: string, currency = 'USD'): Promise<string> {
    const [row] = await this.db.query(
      `INSERT INTO accounts (user_id, type, currency, name) VALUES ($1, 'USER', $2, 'test') RETURNING id`,
      [userId, currency],
    );
    return row.id;
  }

  async technical(code: string, currency = 'USD'): Promise<string> {
    const [row] = await this.db.query(
      `SELECT id FROM accounts WHERE type = 'TECHNICAL' AND code = $1 AND currency = $2`,
      [code, currency],
    );
    return row.id;
  }

  /** An INITIATED payment row for the ledger to finish; its amounts are not what the ledger reads. */
  async payment(initiatorId: string, fromAccountId: string, toAccountId: string, currency = 'USD'): Promise<string> {
    const [row] = await this.db.query(
      `INSERT INTO payments (type, initiator_id, from_account_id, to_account_id, amount, currency, commission, target_amount, target_currency, request_hash)
       VALUES ('TRANSFER', $1, $2, $3, 1, $4, 0, 1, $4, 'fixture') RETURNING id`,
      [initiatorId, fromAccountId, toAccountId, currency],
    );
    return row.id;
  }

  async balance(accountId: string): Promise<bigint> {
    const [row] = await this.db.query(`SELECT balance FROM accounts WHERE id = $1`, [accountId]);
    return BigInt(row.balance);
  }

  async status(paymentId: string): Promise<{ status: string; failure_reason: string | null }> {
    const [row] = await this.db.query(`SELECT status, failure_reason FROM payments WHERE id = $1`, [paymentId]);
    return row;
  }

  async operationCount(paymentId: string): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM operations WHERE payment_id = $1`, [paymentId]);
    return row.n;
  }

  /** The invariants: no user balance below zero; every balance is the sum of its operations; sums are zero per currency. */
  async invariants(): Promise<{
    negativeUserAccounts: number;
    mismatched: number;
    unbalancedCurrencies: number;
    unbalancedPayments: number;
  }> {
    const [row] = await this.db.query(`
      SELECT
        (SELECT count(*)::int FROM accounts WHERE type = 'USER' AND balance < 0) AS "negativeUserAccounts",
        (SELECT count(*)::int FROM accounts a LEFT JOIN (SELECT account_id, sum(amount) s FROM operations GROUP BY account_id) o ON o.account_id = a.id
          WHERE a.balance <> coalesce(o.s, 0)) AS mismatched,
        (SELECT count(*)::int FROM (SELECT currency FROM operations GROUP BY currency HAVING sum(amount) <> 0) c) AS "unbalancedCurrencies",
        (SELECT count(*)::int FROM (SELECT payment_id FROM operations GROUP BY payment_id, currency HAVING sum(amount) <> 0) p) AS "unbalancedPayments"`);
    return row;
  }
}

/** The legs of `amount` moved from one account to another. */
export const transfer = (from: string, to: string, amount: bigint, currency = 'USD'): Leg[] => [
  { accountId: from, currency, amount: -amount, type: 'TRANSFER' },
  { accountId: to, currency, amount, type: 'TRANSFER' },
];

export interface LedgerContext {
  app: INestApplication;
  db: DataSource;
  fx: LedgerFixtures;
  /** external:bank in USD. */
  bank: string;
  /** The user who initiates the fixtures' payments. */
  initiator: string;
}

/**
 * A test file's Nest context of `module`, for tests that post straight to the ledger, and the
 * ledger's invariants checked after each test. The fields are set in `beforeAll`.
 */
export function ledgerContext(module: Type): LedgerContext {
  const context = {} as LedgerContext;
  beforeAll(async () => {
    context.app = await startContext(module);
    context.db = context.app.get<DataSource>(getDataSourceToken());
    context.fx = new LedgerFixtures(context.db);
    context.bank = await context.fx.technical('external:bank');
    context.initiator = await context.fx.user();
  });
  afterAll(() => context.app.close());
  afterEach(async () => {
    const invariants = await context.fx.invariants();
    expect(invariants).toEqual({
      negativeUserAccounts: 0,
      mismatched: 0,
      unbalancedCurrencies: 0,
      unbalancedPayments: 0,
    });
  });
  return context;
}
