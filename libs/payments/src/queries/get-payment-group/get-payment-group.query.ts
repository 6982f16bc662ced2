import { Query } from '@nestjs/cqrs';
import type { AuthUser } from '#platform';
import type { PaymentGroupView } from '../../domain/payment-group.js';
import type { PaymentView } from '../../domain/payment.js';

/** A payment group with its payments in item order, for its initiator or an administrator. */
export class GetPaymentGroup extends Query<PaymentGroupView & { payments: PaymentView[] }> {
  constructor(
    readonly user: Pick<AuthUser, 'id' | 'role'>,
    readonly groupId: string,
  ) {
    super();
  }
}
