/** What one attempt got: an HTTP answer, or no answer at all (refused address, network error, timeout). */
export type AttemptResult = { statusCode: number; retryAfter?: string } | { error: string };

export interface RetryPolicy {
  baseMs: number;
  maxAttempts: number;
}

export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface AttemptOutcome {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  /** PENDING: how long until the next attempt. */
  retryInMs: number | null;
}

/** A receiver asking for more than this is retried after this. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
const JITTER = 0.1;

/** Worth trying again: the receiver may answer tomorrow. Any other non-2xx, redirects included, will not change. */
function isRetryable(statusCode: number): boolean {
  return statusCode >= 500 || statusCode === 408 || statusCode === 429;
}

/** `base × 2^(attempt−1)`, stretched by up to a tenth so that endpoints failing together do not retry together. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (1 + JITTER * random()));
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `now`; undefined when absent or malformed. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const given = value?.trim();
  if (!given) return undefined;
  if (/^\d+$/.test(given)) return Math.min(Number(given) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(given);
  if (Number.isNaN(at) || !/[a-z]/i.test(given)) return undefined;
  return Math.min(Math.max(at - now, 0), MAX_RETRY_AFTER_MS);
}

/** What becomes of a delivery after its attempt number `attempt` (from 1). */
export function outcomeOf(
  result: AttemptResult,
  attempt: number,
  policy: RetryPolicy,
  now: number,
  random: () => number = Math.random,
): AttemptOutcome {
  const statusCode = 'statusCode' in result ? result.statusCode : null;
  if (statusCode !== null && statusCode >= 200 && statusCode < 300)
    return { status: 'SUCCEEDED', statusCode, error: null, retryInMs: null };
  const error = 'error' in result ? result.error : `answered HTTP ${statusCode}`;
  if ((statusCode !== null && !isRetryable(statusCode)) || attempt >= policy.maxAttempts)
    return { status: 'FAILED', statusCode, error, retryInMs: null };
  const asked = 'statusCode' in result ? parseRetryAfter(result.retryAfter, now) : undefined;
  return { status: 'PENDING', statusCode, error, retryInMs: asked ?? backoffMs(attempt, policy.baseMs, random) };
}
