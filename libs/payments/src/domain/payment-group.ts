import type { IEvent } from '@nestjs/cqrs';
import type { Metadata } from '#platform';

export type PaymentGroupStatus = 'INITIATED' | 'COMPLETED' | 'FAILED';
export const PAYMENT_GROUP_STATUSES: readonly PaymentGroupStatus[] = ['INITIATED', 'COMPLETED', 'FAILED'];
export const MAX_GROUP_ITEMS = 1000;

export interface PaymentGroupRow {
  id: string;
  initiator_id: string;
  atomic: boolean;
  status: PaymentGroupStatus;
  item_count: number;
  description: string | null;
  metadata: Metadata | null;
  request_hash: string;
  completed_count: number | null;
  failed_count: number | null;
  failed_item_index: number | null;
  failure_reason: string | null;
  created_at: Date;
  processed_at: Date | null;
}

export const GROUP_COLUMNS =
  'g.id, g.initiator_id, g.atomic, g.status, g.item_count, g.description, g.metadata, g.request_hash, ' +
  'g.completed_count, g.failed_count, g.failed_item_index, g.failure_reason, g.created_at, g.processed_at';

export interface PaymentGroupView {
  id: string;
  status: PaymentGroupStatus;
  atomic: boolean;
  itemCount: number;
  description: string | null;
  metadata: Metadata;
  /** Once final: how many of its payments completed and failed. */
  counts: { completed: number; failed: number } | null;
  /** An atomic group that FAILED: the item that failed it, and why. */
  failure: { itemIndex: number; code: string } | null;
  createdAt: string;
  processedAt: string | null;
}

export function toPaymentGroupView(row: PaymentGroupRow): PaymentGroupView {
  return {
    id: row.id,
    status: row.status,
    atomic: row.atomic,
    itemCount: row.item_count,
    description: row.description,
    metadata: row.metadata ?? {},
    counts: row.completed_count === null ? null : { completed: row.completed_count, failed: row.failed_count ?? 0 },
    failure: row.failure_reason === null ? null : { itemIndex: row.failed_item_index ?? 0, code: row.failure_reason },
    createdAt: row.created_at.toISOString(),
    processedAt: row.processed_at?.toISOString() ?? null,
  };
}

export const PAYMENT_GROUP_EVENT_TYPES = ['payment_group.completed', 'payment_group.failed'] as const;
export type PaymentGroupEventType = (typeof PAYMENT_GROUP_EVENT_TYPES)[number];

/** A group became final; published after the posting's commit, to its initiator. */
export class PaymentGroupSettled implements IEvent {
  readonly type: PaymentGroupEventType;

  constructor(
    readonly group: PaymentGroupView,
    readonly userIds: string[],
  ) {
    this.type = group.status === 'FAILED' ? 'payment_group.failed' : 'payment_group.completed';
  }
}
