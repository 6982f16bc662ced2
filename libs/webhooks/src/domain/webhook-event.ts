import { type AccountRow, toAccountView, type AccountView } from '#accounts';
import type { Currencies } from '#platform';
import {
  type PaymentGroupRow,
  type PaymentGroupView,
  type PaymentRow,
  toPaymentGroupView,
  toPaymentView,
  type PaymentView,
} from '#payments';

/**
 * What a receiver gets, and what GET /events lists: the event's subject as its GET showed it when
 * the event happened (GET /payments/:id, GET /accounts/:id, GET /payment-groups/:id less its payments).
 */
export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  data: PaymentView | AccountView | PaymentGroupView;
}

/** A `webhook_events` row (alias `ev`) as EVENT_COLUMNS reads it; `data` is the subject's row as to_jsonb wrote it. */
export interface EventRow {
  event_id: string;
  type: string;
  created_at: Date;
  data: Record<string, unknown>;
}

export const EVENT_COLUMNS = 'ev.id AS event_id, ev.type, ev.created_at, ev.data';

/**
 * The events (alias `ev`) a user may see, or every one for `userId` null (an administrator),
 * within the retention: as a condition on `$1..` and its parameters.
 */
export function eventsVisibleTo(userId: string | null, retentionDays: number): { sql: string; params: unknown[] } {
  const recent = `ev.created_at > now() - $1 * interval '1 day'`;
  if (userId === null) return { sql: recent, params: [retentionDays] };
  // One condition per slot, each served by its own index (see the account-events migration).
  return { sql: `${recent} AND (ev.user_ids[1] = $2 OR ev.user_ids[2] = $2)`, params: [retentionDays, userId] };
}

/** A row as to_jsonb wrote it, its timestamps (strings there) made dates again. */
function withDates<Row>(snapshot: Record<string, unknown>, timestamps: ReadonlyArray<keyof Row & string>): Row {
  const row: Record<string, unknown> = { ...snapshot };
  for (const field of timestamps) row[field] = row[field] === null ? null : new Date(row[field] as string);
  return row as Row;
}

type Render = (snapshot: Record<string, unknown>, currencies: Currencies) => WebhookEvent['data'];

/** How each kind of subject, the word before the dot of an event's type, is shown. */
const RENDER: Record<string, Render> = {
  payment: (snapshot, currencies) =>
    toPaymentView(withDates<PaymentRow>(snapshot, ['created_at', 'processed_at', 'expires_at']), currencies),
  account: (snapshot, currencies) =>
    toAccountView(withDates<AccountRow>(snapshot, ['created_at', 'frozen_at', 'closed_at']), currencies),
  payment_group: (snapshot) => toPaymentGroupView(withDates<PaymentGroupRow>(snapshot, ['created_at', 'processed_at'])),
};

export function webhookEvent(event: EventRow, currencies: Currencies): WebhookEvent {
  const subject = event.type.slice(0, event.type.indexOf('.'));
  const render = RENDER[subject];
  if (!render) throw new Error(`no renderer for the subject of ${event.type} events`);
  return {
    id: event.event_id,
    type: event.type,
    createdAt: event.created_at.toISOString(),
    data: render(event.data, currencies),
  };
}
