import { Command } from '@nestjs/cqrs';
import type { AuthUser, Metadata } from '#platform';
import type { PaymentGroupView } from '../../domain/payment-group.js';
import type { PaymentView } from '../../domain/payment.js';
import type { DepositRequest, TransferRequest, WithdrawalRequest } from '../../intake/payment-drafts.js';

/** A group item's preconditions, as decimal amounts: the payer's in its currency, the payee's in its own. */
export interface ItemConditions {
  fromAvailableAtLeast?: string;
  toBalanceAtMost?: string;
}

export type GroupItem = (
  | ({ type: 'TRANSFER' } & TransferRequest)
  | ({ type: 'WITHDRAWAL' } & WithdrawalRequest)
  | ({ type: 'DEPOSIT' } & DepositRequest)
) & { conditions?: ItemConditions };

export interface GroupRequest {
  atomic?: boolean;
  description?: string;
  metadata?: Metadata | null;
  items: GroupItem[];
}

export interface GroupAccepted {
  group: PaymentGroupView & { payments: PaymentView[] };
  created: boolean;
}

export class CreatePaymentGroup extends Command<GroupAccepted> {
  constructor(
    readonly user: AuthUser,
    readonly request: GroupRequest,
    /** Every Idempotency-Key header of the request, as given. */
    readonly idempotencyKeys: readonly string[],
  ) {
    super();
  }
}
