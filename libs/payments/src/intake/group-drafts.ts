import { Injectable } from '@nestjs/common';
import { type AuthUser, Currencies, DomainError } from '#platform';
import type {
  GroupItem,
  GroupRequest,
  ItemConditions,
} from '../commands/create-payment-group/create-payment-group.command.js';
import { GroupItemRefused } from '../domain/payments.errors.js';
import { PaymentDrafts } from './payment-drafts.js';
import type { PaymentConditions } from '../domain/conditions.js';
import type { GroupDraft, PaymentDraft } from './payment-intake.js';

/** A group request turned into the payments it asks for: each item by the rules it would meet alone. */
@Injectable()
export class GroupDrafts {
  constructor(
    private readonly drafts: PaymentDrafts,
    private readonly currencies: Currencies,
  ) {}

  /** Refused as a whole with the first item the caller may not send, that item named. */
  async group(user: AuthUser, request: GroupRequest): Promise<GroupDraft> {
    const items: PaymentDraft[] = [];
    for (const [index, item] of request.items.entries()) {
      try {
        items.push(await this.item(user, item));
      } catch (error) {
        throw error instanceof DomainError ? new GroupItemRefused(index, error) : error;
      }
    }
    return {
      initiatorId: user.id,
      atomic: request.atomic ?? true,
      description: request.description?.trim() || null,
      metadata: request.metadata,
      items,
    };
  }

  /** One item, as if it were sent alone. */
  async item(user: AuthUser, item: GroupItem): Promise<PaymentDraft> {
    const draft =
      item.type === 'TRANSFER'
        ? await this.drafts.transfer(user, item)
        : item.type === 'WITHDRAWAL'
          ? await this.drafts.withdrawal(user, item)
          : await this.drafts.deposit(user, item);
    return item.conditions ? { ...draft, conditions: this.conditions(draft, item.conditions) } : draft;
  }

  private conditions(draft: PaymentDraft, conditions: ItemConditions): PaymentConditions {
    const payeeCurrency = draft.conversion?.targetCurrency ?? draft.currency;
    const parsed: PaymentConditions = {};
    if (conditions.fromAvailableAtLeast !== undefined) {
      parsed.fromAvailableAtLeast = this.currencies.parse(conditions.fromAvailableAtLeast, draft.currency, {
        allowZero: true,
      });
    }
    if (conditions.toBalanceAtMost !== undefined) {
      parsed.toBalanceAtMost = this.currencies.parse(conditions.toBalanceAtMost, payeeCurrency, { allowZero: true });
    }
    return parsed;
  }
}
