import { Command } from '@nestjs/cqrs';

export interface SweepResult {
  examined: number;
  completed: number;
  authorized: number;
  failed: number;
  /** Holds past their expiry, released. */
  expired: number;
}

/**
 * Finishes payments still INITIATED after `olderThanMs` (by default SWEEP_STALE_AFTER_MS: their
 * job was lost, or a worker died mid-job) by posting them directly, and expires the holds past
 * their time. `wait` makes it queue behind a sweep already running.
 */
export class SweepPayments extends Command<SweepResult> {
  constructor(
    readonly olderThanMs: number | undefined,
    readonly wait: boolean,
  ) {
    super();
  }
}
