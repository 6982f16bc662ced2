import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { TestUser } from './users.js';

/**
 * Writes a history straight into the ledger, in time order, between a user account of its own and
 * a technical account no one else touches: each movement a COMPLETED payment with its two
 * operations at a chosen moment, balances kept, so the trial balance holds now and at every moment.
 */
export class History {
  private technical = '';
  account = '';

  constructor(
    private readonly db: DataSource,
    private readonly admin: TestUser,
  ) {}

  async open(user: TestUser): Promise<void> {
    const [t] = await this.db.query(
      `INSERT INTO accounts (type, code, currency, name) VALUES ('TECHNICAL', $1, 'USD', 'history') RETURNING id`,
      [`test:history-${randomUUID()}`],
    );
    const [a] = await this.db.query(
      `INSERT INTO accounts (user_id, type, currency, name, created_at) VALUES ($1, 'USER', 'USD', 'history', '2020-01-01Z') RETURNING id`,
      [user.id],
    );
    [this.technical, this.account] = [t.id, a.id];
  }

  /** Positive: credits the account; negative: debits it. */
  async move(
    minor: number,
    at: string,
    tags: { description?: string; externalRef?: string; metadata?: object } = {},
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [payer, payee] = minor > 0 ? [this.technical, this.account] : [this.account, this.technical];
      const amount = Math.abs(minor);
      const [p] = await tx.query(
        `INSERT INTO payments (type, status, initiator_id, from_account_id, to_account_id, amount, currency, commission, target_amount, target_currency, request_hash,
                               created_at, processed_at, description, external_ref, metadata)
         VALUES ('TRANSFER', 'COMPLETED', $1, $2, $3, $4, 'USD', 0, $4, 'USD', 'history', $5, $5, $6, $7, $8) RETURNING id`,
        [
          this.admin.id,
          payer,
          payee,
          amount,
          at,
          tags.description ?? null,
          tags.externalRef ?? null,
          tags.metadata ?? null,
        ],
      );
      for (const [leg, account, signed] of [
        [0, payer, -amount],
        [1, payee, amount],
      ] as const) {
        const [[row]] = await tx.query(`UPDATE accounts SET balance = balance + $2 WHERE id = $1 RETURNING balance`, [
          account,
          signed,
        ]);
        await tx.query(
          `INSERT INTO operations (payment_id, leg, account_id, type, amount, currency, balance_after, created_at) VALUES ($1, $2, $3, 'TRANSFER', $4, 'USD', $5, $6)`,
          [p.id, leg, account, signed, row.balance, at],
        );
      }
    });
  }

  /** `count` credits of `minor` each, one a millisecond from `from` on, written by one statement. */
  async credits(count: number, minor: number, from: string): Promise<void> {
    await this.db.query(
      `WITH s AS (SELECT g, gen_random_uuid() AS pid, $5::timestamptz + g * interval '1 millisecond' AS at FROM generate_series(1, $4::int) g),
            t AS (SELECT balance FROM accounts WHERE id = $2), a AS (SELECT balance FROM accounts WHERE id = $3),
            p AS (INSERT INTO payments (id, type, status, initiator_id, from_account_id, to_account_id, amount, currency, commission, target_amount, target_currency,
                                        request_hash, created_at, processed_at, description)
                  SELECT pid, 'TRANSFER', 'COMPLETED', $1, $2, $3, $6, 'USD', 0, $6, 'USD', 'history', at, at, 'credit ' || g FROM s),
            o AS (INSERT INTO operations (payment_id, leg, account_id, type, amount, currency, balance_after, created_at)
                  SELECT pid, 0, $2, 'TRANSFER', -$6::bigint, 'USD', (SELECT balance FROM t) - g * $6::bigint, at FROM s
                  UNION ALL SELECT pid, 1, $3, 'TRANSFER', $6::bigint, 'USD', (SELECT balance FROM a) + g * $6::bigint, at FROM s)
       UPDATE accounts SET balance = balance + CASE WHEN id = $3 THEN 1 ELSE -1 END * $4::bigint * $6::bigint WHERE id IN ($2, $3)`,
      [this.admin.id, this.technical, this.account, count, from, minor],
    );
  }
}
