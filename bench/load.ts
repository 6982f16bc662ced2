import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { BenchAccount } from './seed.js';

export interface Transfer {
  payer: BenchAccount;
  payeeAccountId: string;
}

export interface LoadResult {
  requests: number;
  accepted: number;
  errors: number;
  /** The first few error answers, to say what went wrong. */
  errorSamples: string[];
  durationS: number;
  /** Accept latency of every accepted request, ms, sorted. */
  acceptMs: Float64Array;
}

const MAX_ERROR_SAMPLES = 5;

/**
 * Posts transfers over keep-alive connections and records how long each takes to be accepted (202).
 * One pool serves every scenario of a run, as a client's keep-alive connections outlive any burst
 * of its traffic: a pool per scenario opened its connections in the scenario's first ~100 ms, and
 * the requests queued behind those handshakes were 0.5-1 % of a 10 s open-loop round, up to 70 ms
 * late: most of what lay above its p99.
 * Each transfer's description is the scenario's tag, by which its payments are counted.
 */
export class TransferLoad {
  private readonly pool: Pool;

  constructor(apiUrl: string, connections: number) {
    this.pool = new Pool(apiUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  /** `clients` clients each send their next transfer as soon as the previous one is answered. */
  async closedLoop(tag: string, clients: number, durationS: number, next: () => Transfer): Promise<LoadResult> {
    const recorder = new Recorder();
    const started = performance.now();
    const deadline = started + durationS * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) await this.send(tag, next(), performance.now(), recorder);
      }),
    );
    return recorder.result((performance.now() - started) / 1000);
  }

  /**
   * Transfers at a fixed rate whatever the answers do; each latency counts from the moment the
   * request was due, so a stalled server is not hidden by requests that were never sent.
   */
  async openLoop(tag: string, ratePerSec: number, durationS: number, next: () => Transfer): Promise<LoadResult> {
    const recorder = new Recorder();
    const inFlight = new Set<Promise<void>>();
    const started = performance.now();
    const total = Math.floor(ratePerSec * durationS);
    for (let sent = 0; sent < total; ) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - started) / 1000) * ratePerSec) + 1);
      for (; sent < due; sent++) {
        const dueAt = started + (sent / ratePerSec) * 1000;
        const request = this.send(tag, next(), dueAt, recorder).finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await sleep(Math.max(0, started + (sent / ratePerSec) * 1000 - performance.now()));
    }
    await Promise.all(inFlight);
    return recorder.result((performance.now() - started) / 1000);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async send(tag: string, { payer, payeeAccountId }: Transfer, dueAt: number, recorder: Recorder): Promise<void> {
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: '/api/v1/payments',
        headers: { authorization: payer.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ fromAccountId: payer.accountId, toAccountId: payeeAccountId, amount: randomAmount(), description: tag }),
      });
      if (response.statusCode === 202) {
        await response.body.dump();
        recorder.accepted(performance.now() - dueAt);
      } else recorder.error(`${response.statusCode} ${await response.body.text()}`);
    } catch (error) {
      recorder.error((error as Error).message);
    }
  }
}

class Recorder {
  private readonly latencies: number[] = [];
  private errors = 0;
  private readonly errorSamples: string[] = [];

  accepted(ms: number): void {
    this.latencies.push(ms);
  }

  error(message: string): void {
    this.errors++;
    if (this.errorSamples.length < MAX_ERROR_SAMPLES) this.errorSamples.push(message.slice(0, 300));
  }

  result(durationS: number): LoadResult {
    const acceptMs = Float64Array.from(this.latencies).sort();
    return { requests: acceptMs.length + this.errors, accepted: acceptMs.length, errors: this.errors, errorSamples: this.errorSamples, durationS, acceptMs };
  }
}

/** 1.00 to 9.99 USD. */
function randomAmount(): string {
  const cents = 100 + Math.floor(Math.random() * 900);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
