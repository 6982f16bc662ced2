import { Injectable } from '@nestjs/common';
import { BatchStatement, Forbidden, NotFound, type AuthUser } from '#platform';
import type { EntityManager } from 'typeorm';
import { PAYMENT_COLUMNS, partiesOf, type PaymentRow } from '../domain/payment.js';
import { AuthorizationExpired, PaymentNotAuthorized } from '../domain/payments.errors.js';

const LOCK = new BatchStatement(
  `SELECT ${PAYMENT_COLUMNS}, p.expires_at <= now() AS lapsed FROM payments p
    WHERE p.id = ANY($1::uuid[]) ORDER BY p.id FOR NO KEY UPDATE`,
);

/** A locked payment, and whether its hold has outlived `expires_at` by the database's clock. */
export interface LockedPayment {
  row: PaymentRow;
  lapsed: boolean;
}

/**
 * The payments a capture or a void acts on. Their rows are locked first, in id order, as the
 * lock order wants (payments, then accounts), so a capture and a void of one hold, or
 * either and its expiry, take turns and only the first finds it AUTHORIZED.
 */
@Injectable()
export class AuthorizedPayments {
  /** In `tx`, locks the payments of `ids` (well-formed UUIDs) that exist. */
  async lock(tx: EntityManager, ids: string[]): Promise<Map<string, LockedPayment>> {
    const rows = await LOCK.run<Array<PaymentRow & { lapsed: boolean | null }>>(tx, [[...new Set(ids)].sort()]);
    return new Map(rows.map(({ lapsed, ...row }) => [row.id, { row, lapsed: lapsed === true }]));
  }

  /**
   * `user` may settle the payment: its payee, or an administrator. Its payer may read it (403);
   * anyone else is not told it exists (404).
   */
  assertMaySettle(user: AuthUser, found: LockedPayment | undefined): asserts found is LockedPayment {
    if (!found || (user.role !== 'ADMIN' && !partiesOf(found.row).includes(user.id))) throw new NotFound('payment');
    if (user.role !== 'ADMIN' && found.row.payee_user_id !== user.id)
      throw new Forbidden('only the payee or an administrator settles a hold');
  }

  /** Only a live hold can be captured or voided. */
  assertLiveHold({ row, lapsed }: LockedPayment): void {
    if (row.status === 'EXPIRED' || (row.status === 'AUTHORIZED' && lapsed))
      throw new AuthorizationExpired(row.expires_at!);
    if (row.status !== 'AUTHORIZED') throw new PaymentNotAuthorized(row.status);
  }
}
