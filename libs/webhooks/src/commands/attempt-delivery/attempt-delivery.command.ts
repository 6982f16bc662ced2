import { Command } from '@nestjs/cqrs';
import type { AttemptOutcome } from '../../domain/retry-policy.js';
import type { EventRow } from '../../domain/webhook-event.js';

/** A leased delivery with what sending it takes: its event, its endpoint's URL and live secrets. */
export interface LeasedDelivery extends EventRow {
  id: string;
  endpoint_id: string;
  leased_until: Date;
  attempts: number;
  url: string;
  secrets: string[];
}

/** One signed attempt at a leased delivery; answers what becomes of it (recording it is the caller's). */
export class AttemptDelivery extends Command<AttemptOutcome> {
  constructor(readonly delivery: LeasedDelivery) {
    super();
  }
}
