import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';

export const BUDGET_WINDOW_SECONDS = 60;
/** A Redis that accepts but does not answer must not hold requests up: the local budget decides instead. */
const STORE_TIMEOUT_MS = 500;

/** What one request left of a budget: what the RateLimit-* headers and a 429's Retry-After say. */
export interface BudgetState {
  limit: number;
  remaining: number;
  resetSeconds: number;
  exceeded: boolean;
}

/**
 * A budget of `points` a minute per key, shared by every process through Redis. A key once over
 * its budget is refused from memory until its window ends, without asking Redis again; if Redis is
 * down or slow to answer, a per-process budget stands in, so a request is neither refused nor held
 * up by the outage.
 */
export class RedisBudget {
  private readonly limiter: RLWrapperTimeouts;

  constructor(
    redis: Redis,
    keyPrefix: string,
    readonly points: number,
  ) {
    const shared = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration: BUDGET_WINDOW_SECONDS,
      inMemoryBlockOnConsumed: points + 1, // blocked until its window ends (no inMemoryBlockDuration)
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration: BUDGET_WINDOW_SECONDS }),
    });
    this.limiter = new RLWrapperTimeouts({ limiter: shared, timeoutMs: STORE_TIMEOUT_MS });
  }

  /** Counts one request of `key`; an error of the store itself is thrown, as is. */
  async spend(key: string): Promise<BudgetState> {
    let res: RateLimiterRes;
    let exceeded = false;
    try {
      res = await this.limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      res = rejection;
      exceeded = true;
    }
    return {
      limit: this.points,
      remaining: res.remainingPoints,
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      exceeded,
    };
  }
}
