import { Query } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { PaymentView } from '../../domain/payment.js';

/** A payment as it stands now, for its payer, its payee or an administrator. */
export class GetPayment extends Query<PaymentView> {
  constructor(
    readonly user: Pick<AuthUser, 'id' | 'role'>,
    readonly paymentId: string,
  ) {
    super();
  }
}
