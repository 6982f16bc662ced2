interface Waiting<K, R> {
  key: K;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Micro-batching: keys that arrive while a run is in flight are handled together by the next
 * run, in one call. Under no load a key runs at once, alone; under load many share one round trip.
 * `work` answers one result per key, in the keys' order.
 */
export class Coalescer<K, R> {
  private waiting: Array<Waiting<K, R>> = [];
  private running = false;

  constructor(
    private readonly work: (keys: K[]) => Promise<R[]>,
    private readonly maxBatch = 256,
  ) {}

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
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          const results = await this.work(batch.map((w) => w.key));
          batch.forEach((w, i) => w.resolve(results[i]));
        } catch (error) {
          batch.forEach((w) => w.reject(error));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
