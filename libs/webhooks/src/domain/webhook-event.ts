import type { Currencies } from '#platform';
import { type PaymentRow, toPaymentView, type PaymentView } from '#payments';

/** What a receiver gets, and what GET /events lists: the payment as GET /payments/:id showed it when the event happened. */
export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  data: PaymentView;
}

/** The payments row as the trigger wrote it into the event (to_jsonb): its timestamps are strings. */
export type PaymentSnapshot = Omit<PaymentRow, 'created_at' | 'processed_at' | 'expires_at'> & {
  created_at: string;
  processed_at: string | null;
  expires_at: string | null;
};

/** A `webhook_events` row (alias `ev`) as EVENT_COLUMNS reads it. */
export interface EventRow {
  event_id: string;
  type: string;
  created_at: Date;
  payment: PaymentSnapshot;
}

export const EVENT_COLUMNS = 'ev.id AS event_id, ev.type, ev.created_at, ev.data AS payment';

/**
 * The events (alias `ev`) a user may see, or every one for `userId` null (an administrator),
 * within the retention: as a condition on `$1..` and its parameters.
 */
export function eventsVisibleTo(userId: string | null, retentionDays: number): { sql: string; params: unknown[] } {
  const recent = `ev.created_at > now() - $1 * interval '1 day'`;
  if (userId === null) return { sql: recent, params: [retentionDays] };
  return { sql: `${recent} AND (ev.payer_user_id = $2 OR ev.payee_user_id = $2)`, params: [retentionDays, userId] };
}

const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));

export function webhookEvent(event: EventRow, currencies: Currencies): WebhookEvent {
  const { payment } = event;
  const row: PaymentRow = {
    ...payment,
    created_at: new Date(payment.created_at),
    processed_at: dateOrNull(payment.processed_at),
    expires_at: dateOrNull(payment.expires_at),
  };
  return {
    id: event.event_id,
    type: event.type,
    createdAt: event.created_at.toISOString(),
    data: toPaymentView(row, currencies),
  };
}
