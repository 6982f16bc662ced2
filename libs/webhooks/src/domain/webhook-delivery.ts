import type { DeliveryStatus } from './retry-policy.js';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['PENDING', 'SUCCEEDED', 'FAILED'];

/** The channel that wakes the workers when events are recorded or deliveries become due. */
export const DELIVERIES_CHANNEL = 'webhook_deliveries';

/** A delivery with its event (`ev`), as the lists read it. */
export const DELIVERIES_WITH_EVENTS = 'webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id';

/**
 * The SET of a delivery (alias `d`) made due now, whatever its status. One being sent is left to
 * its attempt and marked to go again once that ends: never two attempts at once.
 */
export const RESEND_NOW = `status = 'PENDING', resend = coalesce(d.leased_until > now(), false),
  next_attempt_at = CASE WHEN d.leased_until > now() THEN d.next_attempt_at ELSE now() END,
  leased_until = CASE WHEN d.leased_until > now() THEN d.leased_until END`;

export interface DeliveryRow {
  id: string;
  event_id: string;
  type: string;
  payment_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  type: string;
  paymentId: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export const DELIVERY_COLUMNS =
  'd.id, d.event_id, ev.type, ev.payment_id, d.status, d.attempts, d.last_status_code, d.last_error, d.next_attempt_at, d.delivered_at, d.created_at';

export function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    type: row.type,
    paymentId: row.payment_id,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
