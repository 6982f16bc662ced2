import { Query } from '@nestjs/cqrs';
import type { AuthUser, Page } from '#platform';
import type { PaymentView } from '../../domain/payment.js';

export class ListPayments extends Query<Page<PaymentView>> {
  constructor(
    readonly user: AuthUser,
    readonly queryString: string,
  ) {
    super();
  }
}
