import { Injectable } from '@nestjs/common';
import { Forbidden, isUuid, NotFound, type AuthUser } from '#platform';
import type { EntityManager } from 'typeorm';
import { PAYMENT_COLUMNS, partiesOf, type PaymentRow } from '../domain/payment.js';
import { AuthorizationExpired, PaymentNotAuthorized } from '../domain/payments.errors.js';

/** A locked payment, and whether its hold has outlived `expires_at` by the database's clock. */
export interface LockedPayment {
  row: PaymentRow;
  lapsed: boolean;
}

/**
 * The payments a capture or a void acts on. The payment's row is locked first, as the ledger's
 * lock order wants (payments, then accounts), so a capture and a void of one hold, or either and
 * its expiry, take turns and only the first finds it AUTHORIZED.
 */
@Injectable()
export class AuthorizedPayments {
  /**
   * In `tx`, locks the payment and checks `user` may settle it: its payee, or an administrator.
   * Its payer may read it (403); anyone else is not told it exists (404).
   */
  async lockForSettling(tx: EntityManager, user: AuthUser, paymentId: string): Promise<LockedPayment> {
    if (!isUuid(paymentId)) throw new NotFound('payment');
    const [found] = (await tx.query(`SELECT ${PAYMENT_COLUMNS}, p.expires_at <= now() AS lapsed FROM payments p WHERE p.id = $1 FOR NO KEY UPDATE`, [
      paymentId,
    ])) as Array<PaymentRow & { lapsed: boolean | null }>;
    if (!found || (user.role !== 'ADMIN' && !partiesOf(found).includes(user.id))) throw new NotFound('payment');
    if (user.role !== 'ADMIN' && found.payee_user_id !== user.id) throw new Forbidden('only the payee or an administrator settles a hold');
    const { lapsed, ...row } = found;
    return { row, lapsed: lapsed === true };
  }

  /** Only a live hold can be captured or voided. */
  assertLiveHold({ row, lapsed }: LockedPayment): void {
    if (row.status === 'EXPIRED' || (row.status === 'AUTHORIZED' && lapsed)) throw new AuthorizationExpired(row.expires_at!);
    if (row.status !== 'AUTHORIZED') throw new PaymentNotAuthorized(row.status);
  }
}
