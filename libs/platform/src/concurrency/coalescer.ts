interface Waiting<K, R> {
  key: K;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface CoalescerOptions {
  /** At most this many keys per run. */
  maxBatch?: number;
  /**
   * A run starts no sooner than this many ms after the previous one started. A key that arrives
   * after a quiet spell still runs at once; under load, runs are spaced out and carry more keys.
   */
  minIntervalMs?: number;
}

/** One key's own failure in a run that went on for the others: its caller's promise rejects with `error`. */
export class KeyFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Micro-batching: keys that arrive while a run is in flight are handled together by the next
 * run, in one call. Under no load a key runs at once, alone; under load many share one round trip.
 * `work` answers one result per key, in the keys' order, or KeyFailed for a key that failed alone.
 */
export class Coalescer<K, R> {
  private waiting: Array<Waiting<K, R>> = [];
  private running = false;
  private lastStart = -Infinity;
  private readonly maxBatch: number;
  private readonly minIntervalMs: number;

  constructor(
    private readonly work: (keys: K[]) => Promise<Array<R | KeyFailed>>,
    { maxBatch = 256, minIntervalMs = 0 }: CoalescerOptions = {},
  ) {
    this.maxBatch = maxBatch;
    this.minIntervalMs = minIntervalMs;
  }

  run(key: K): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length) {
        const early = this.lastStart + this.minIntervalMs - performance.now();
        if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
        this.lastStart = performance.now();
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          const results = await this.work(batch.map((w) => w.key));
          batch.forEach((w, i) => {
            const result = results[i];
            if (result instanceof KeyFailed) w.reject(result.error);
            else w.resolve(result);
          });
        } catch (error) {
          batch.forEach((w) => w.reject(error));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
