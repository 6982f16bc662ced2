import { ACCOUNT_EVENT_TYPES } from '#accounts';
import { PAYMENT_GROUP_EVENT_TYPES, PAYMENT_STATUSES } from '#payments';

/** One per status a payment reaches. */
const PAYMENT_EVENT_TYPES: readonly string[] = PAYMENT_STATUSES.map((status) => `payment.${status.toLowerCase()}`);

/** Every event a webhook can carry: `<subject>.<what happened>`. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  ...PAYMENT_EVENT_TYPES,
  ...ACCOUNT_EVENT_TYPES,
  ...PAYMENT_GROUP_EVENT_TYPES,
];

/** Subscribes an endpoint to every event, those added later included. */
export const EVERY_EVENT = '*';

export const SUBSCRIBABLE_EVENTS: readonly string[] = [EVERY_EVENT, ...WEBHOOK_EVENT_TYPES];
