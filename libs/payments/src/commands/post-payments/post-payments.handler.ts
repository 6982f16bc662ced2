import { Logger } from '@nestjs/common';
import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { TechnicalAccounts } from '#accounts';
import type { Posting } from '#ledger';
import { AppConfig, BatchStatement } from '#platform';
import { DataSource } from 'typeorm';
import { ledgerConditions, parseStoredConditions } from '../../domain/conditions.js';
import { legsOf } from '../../domain/legs.js';
import {
  GROUP_COLUMNS,
  type PaymentGroupRow,
  PaymentGroupSettled,
  toPaymentGroupView,
} from '../../domain/payment-group.js';
import { FIND_GROUP_PAYMENTS, FIND_PAYMENTS, type PaymentRow } from '../../domain/payment.js';
import { PaymentAnnouncements } from '../../processing/payment-announcements.js';
import { type PaymentOutcome, PaymentPostings } from '../../settlement/payment-postings.js';
import { PostPayments, type PostingSummary } from './post-payments.command.js';

const FIND_GROUPS = new BatchStatement(`SELECT ${GROUP_COLUMNS} FROM payment_groups g WHERE g.id = ANY($1::uuid[])`);

/** Payments posted together or not at all: a payment alone, or a group with all its payments in item order. */
interface Unit {
  payments: PaymentRow[];
  group?: PaymentGroupRow;
}

@CommandHandler(PostPayments)
export class PostPaymentsHandler implements ICommandHandler<PostPayments> {
  private readonly logger = new Logger('PostPayments');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly postings: PaymentPostings,
    private readonly technical: TechnicalAccounts,
    private readonly announcements: PaymentAnnouncements,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {}

  async execute({ paymentIds }: PostPayments): Promise<PostingSummary> {
    const ids = [...new Set(paymentIds)];
    const found = await FIND_PAYMENTS.run<PaymentRow[]>(this.db, [ids]);
    const initiated = found.filter((payment) => payment.status === 'INITIATED');
    const units = await this.unitsOf(initiated);
    const pending = units.flatMap((unit) => unit.payments);
    const summary: PostingSummary = {
      completed: 0,
      authorized: 0,
      failed: 0,
      // Asked for but already final (or unknown); a group brings more payments than were asked for.
      skipped: ids.length - initiated.length,
      unfinished: [],
    };
    if (!pending.length) return summary;

    const { outcomes: posted, unfinished } = await this.post(units);
    const outcomes = new Map(posted.map((outcome) => [outcome.paymentId, outcome]));
    summary.unfinished = unfinished;
    const settledGroups = new Set<string>();
    for (const payment of pending) {
      const outcome = outcomes.get(payment.id);
      if (!outcome) continue;
      if (outcome.status === 'SKIPPED') summary.skipped++;
      else {
        summary[
          outcome.status === 'AUTHORIZED' ? 'authorized' : outcome.status === 'FAILED' ? 'failed' : 'completed'
        ]++;
        this.announcements.announce(payment, outcome);
        if (payment.group_id) settledGroups.add(payment.group_id);
      }
    }
    await this.announceGroups([...settledGroups]);
    return summary;
  }

  /**
   * Any payment of a group brings the whole group, its payments in item order: the group is
   * posted in one transaction, whichever of its payments' jobs (or the sweep) comes first.
   */
  private async unitsOf(pending: PaymentRow[]): Promise<Unit[]> {
    const groupIds = [...new Set(pending.flatMap((p) => (p.group_id ? [p.group_id] : [])))];
    const units: Unit[] = pending.filter((p) => !p.group_id).map((p) => ({ payments: [p] }));
    if (!groupIds.length) return units;
    const [groups, members] = await Promise.all([
      FIND_GROUPS.run<PaymentGroupRow[]>(this.db, [groupIds]),
      FIND_GROUP_PAYMENTS.run<PaymentRow[]>(this.db, [groupIds]),
    ]);
    for (const group of groups) {
      const payments = members.filter((p) => p.group_id === group.id && p.status === 'INITIATED');
      if (payments.length) units.push({ group, payments });
    }
    return units;
  }

  /**
   * All in one transaction; should that fail for a reason of one unit's own, each unit is posted
   * alone so that one bad payment (or group) cannot hold back the others. One whose posting throws
   * even alone is left INITIATED, and the others are posted all the same.
   */
  private async post(units: Unit[]): Promise<{ outcomes: PaymentOutcome[]; unfinished: string[] }> {
    if (units.length > 1) {
      try {
        return { outcomes: await this.postings.post(units.flatMap((u) => this.postingsOf(u))), unfinished: [] };
      } catch (error) {
        this.logger.warn(`batch of ${units.length} failed (${(error as Error).message}); posting one by one`);
      }
    }
    const outcomes: PaymentOutcome[] = [];
    const unfinished: string[] = [];
    for (const unit of units) {
      try {
        outcomes.push(...(await this.postings.post(this.postingsOf(unit))));
      } catch (error) {
        const ids = unit.payments.map((p) => p.id).join(', ');
        this.logger.error(
          `payment(s) ${ids} could not be posted, left INITIATED: ${(error as Error).message}`,
          (error as Error).stack,
        );
        unfinished.push(...unit.payments.map((p) => p.id));
      }
    }
    return { outcomes, unfinished };
  }

  private postingsOf({ payments, group }: Unit): Posting[] {
    const unit = group?.atomic ? group.id : undefined;
    return payments.map((p) => {
      const conditions = ledgerConditions({
        conditions: parseStoredConditions(p.conditions),
        fromAccountId: p.from_account_id,
        toAccountId: p.to_account_id,
      });
      if (p.capture === 'manual') {
        const amount = BigInt(p.amount) + BigInt(p.commission);
        const hold = { accountId: p.from_account_id, currency: p.currency, amount, ttlMs: this.config.holdTtlMs };
        return { paymentId: p.id, legs: [], hold, conditions, unit };
      }
      return { paymentId: p.id, legs: legsOf(p, this.technical), conditions, unit };
    });
  }

  /** After the commit: each group that became final, to its initiator. */
  private async announceGroups(groupIds: string[]): Promise<void> {
    if (!groupIds.length) return;
    const groups = await FIND_GROUPS.run<PaymentGroupRow[]>(this.db, [groupIds]);
    for (const group of groups) {
      if (group.status !== 'INITIATED') {
        this.events.publish(new PaymentGroupSettled(toPaymentGroupView(group), [group.initiator_id]));
      }
    }
  }
}
