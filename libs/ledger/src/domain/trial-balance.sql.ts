import { lastOperationBefore } from './balance-as-of.sql.js';

/**
 * The trial balance's two readings, shared by the admin check and the test run's last word on the
 * ledger: each currency's sum of operations (zero when balanced), and the accounts whose balance
 * differs from the sum of their operations, or whose held balance from the sum of their live holds
 * (none when balanced).
 */
export const TRIAL_BALANCE_SQL = {
  sumsByCurrency: `SELECT currency, sum(amount)::text AS sum FROM operations GROUP BY currency`,
  /** What the worker's monitor reads: the accounts alone, not the operations. */
  balanceSumsByCurrency: `SELECT currency, sum(balance)::text AS sum FROM accounts GROUP BY currency`,
  mismatchedAccounts: `SELECT a.id, a.currency, a.balance::text AS balance, coalesce(s.total, 0)::text AS total,
                              a.held_balance::text AS held, coalesce(h.total, 0)::text AS holds
                         FROM accounts a
                         LEFT JOIN (SELECT account_id, sum(amount) AS total FROM operations GROUP BY account_id) s ON s.account_id = a.id
                         LEFT JOIN (SELECT account_id, sum(amount) AS total FROM holds GROUP BY account_id) h ON h.account_id = a.id
                        WHERE a.balance <> coalesce(s.total, 0) OR a.held_balance <> coalesce(h.total, 0)
                        ORDER BY a.id`,
  /** As of $1: the operations at or before it; an account's balance then is its last operation's balance_after. Holds keep no history. */
  sumsByCurrencyAt: `SELECT currency, sum(amount)::text AS sum FROM operations WHERE created_at <= $1 GROUP BY currency`,
  mismatchedAccountsAt: `SELECT a.id, a.currency, last.balance_after::text AS balance, s.total::text AS total
                           FROM (SELECT account_id, sum(amount) AS total FROM operations WHERE created_at <= $1 GROUP BY account_id) s
                           JOIN accounts a ON a.id = s.account_id
                          CROSS JOIN LATERAL (${lastOperationBefore('s.account_id', '$1', '<=')}) last
                          WHERE last.balance_after <> s.total
                          ORDER BY a.id`,
} as const;
