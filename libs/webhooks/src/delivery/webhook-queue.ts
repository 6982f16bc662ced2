/** The worker's queue of deliveries to make; the rows, not the jobs, are the source of truth. */
export const WEBHOOKS_QUEUE = 'webhooks';

/** Every job of the webhooks queue, by name. */
export const WebhookJobs = {
  deliver: 'deliver-webhooks',
} as const;

/** A delivery a worker has taken, until `leasedUntil` (its next_attempt_at, pushed forward). */
export interface DeliveryLease {
  id: string;
  leasedUntil: string;
}

export interface DeliverWebhooksJob {
  leases: DeliveryLease[];
}
