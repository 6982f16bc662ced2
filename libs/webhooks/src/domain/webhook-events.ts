import { PAYMENT_STATUSES, type PaymentEventType } from '#payments';

/** Every event a webhook can carry: one per status a payment reaches. */
export const WEBHOOK_EVENT_TYPES: readonly PaymentEventType[] = PAYMENT_STATUSES.map(
  (status) => `payment.${status.toLowerCase()}` as PaymentEventType,
);

/** Subscribes an endpoint to every event, those added later included. */
export const EVERY_EVENT = '*';

export const SUBSCRIBABLE_EVENTS: readonly string[] = [EVERY_EVENT, ...WEBHOOK_EVENT_TYPES];
