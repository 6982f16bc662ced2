import type { Currencies } from '#platform';
import { type PaymentRow, toPaymentView, type PaymentView } from '#payments';

/** What a receiver gets: the payment as GET /payments/:id showed it when the event happened. */
export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  data: PaymentView;
}

/** The payments row as the trigger wrote it into the delivery (to_jsonb): its timestamps are strings. */
export type PaymentSnapshot = Omit<PaymentRow, 'created_at' | 'processed_at' | 'expires_at'> & {
  created_at: string;
  processed_at: string | null;
  expires_at: string | null;
};

const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));

export function webhookEvent(delivery: { event_id: string; type: string; created_at: Date; payment: PaymentSnapshot }, currencies: Currencies): WebhookEvent {
  const { payment } = delivery;
  const row: PaymentRow = { ...payment, created_at: new Date(payment.created_at), processed_at: dateOrNull(payment.processed_at), expires_at: dateOrNull(payment.expires_at) };
  return { id: delivery.event_id, type: delivery.type, createdAt: delivery.created_at.toISOString(), data: toPaymentView(row, currencies) };
}
