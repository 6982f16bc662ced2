import { ServiceOverloaded } from './payments.errors.js';

/** How far behind posting is, as last measured. */
export interface BacklogReading {
  /** The age of the oldest payment still INITIATED (0 when there is none). */
  oldestInitiatedMs: number;
  /** Jobs waiting in the payments queue, each carrying the payments of one INSERT. */
  queueDepth: number;
}

export interface BacklogBounds {
  maxBacklogMs: number;
  maxQueueDepth: number;
}

/** A client told to come back sooner would only be refused again; later, and it waits for nothing. */
const MAX_RETRY_AFTER_S = 30;
const NOTHING_STORED = 'nothing was stored, retry later';

/**
 * The refusal that a new payment meets while posting is behind by more than a bound, or nothing.
 * Retry-After is the time the backlog is past its bound: at the rate it grew, about what it takes
 * to come back under it.
 */
export function overloadOf(reading: BacklogReading, bounds: BacklogBounds): ServiceOverloaded | undefined {
  if (reading.oldestInitiatedMs > bounds.maxBacklogMs) {
    const excessS = Math.ceil((reading.oldestInitiatedMs - bounds.maxBacklogMs) / 1000);
    const behind = Math.round(reading.oldestInitiatedMs);
    return new ServiceOverloaded(
      `payments are being posted ${behind} ms behind, more than the ${bounds.maxBacklogMs} ms allowed; ${NOTHING_STORED}`,
      Math.min(Math.max(excessS, 1), MAX_RETRY_AFTER_S),
    );
  }
  if (reading.queueDepth > bounds.maxQueueDepth) {
    return new ServiceOverloaded(
      `${reading.queueDepth} posting jobs are waiting, more than the ${bounds.maxQueueDepth} allowed; ${NOTHING_STORED}`,
      1,
    );
  }
  return undefined;
}
