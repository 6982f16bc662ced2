import { Query } from '@nestjs/cqrs';
import type { AuthUser, Page } from '#platform';
import type { PaymentGroupView } from '../../domain/payment-group.js';

export class ListPaymentGroups extends Query<Page<PaymentGroupView>> {
  constructor(
    readonly user: AuthUser,
    readonly queryString: string,
  ) {
    super();
  }
}
