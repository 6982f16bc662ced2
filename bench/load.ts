import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { BenchAccount } from './seed.js';

export interface Transfer {
  payer: BenchAccount;
  payeeAccountId: string;
}

/** A payment group of transfers, all from the sender's account: a marketplace's payout. */
export interface TransferGroup {
  sender: BenchAccount;
  payeeAccountIds: string[];
}

/** A group closed loop's requests (accept latency: POST → 202), and each accepted group's wait until final. */
export interface GroupLoadResult extends LoadResult {
  /** 202 received → the group seen final by polling, ms, sorted: what the client waited. */
  finalMs: Float64Array;
  /** Status requests made while waiting, all groups together. */
  polls: number;
}

/** A manual-capture transfer: the payer authorizes it, the payee captures it. */
export interface HeldTransfer {
  payer: BenchAccount;
  payee: BenchAccount;
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
const HOLD_POLL_MS = 5;
/**
 * A group is polled through the list (`?id=`), which answers the group alone: `GET /payment-groups/:id`
 * carries every payment (100 or 1,000), and sixteen clients polling it would measure that serialisation.
 * Polled every 10 ms, a group final after 1.2 s cost up to 120 polls, far more requests than groups:
 * the loop's clients wait 5 ms, then 1.5 times longer each time, up to GROUP_POLL_MAX_MS.
 */
const GROUP_POLL_MS = 5;
const GROUP_POLL_MAX_MS = 50;
const GROUP_FINAL_TIMEOUT_MS = 120_000;

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
    await clientsUntil(clients, started + durationS * 1000, () => this.send(tag, next(), performance.now(), recorder));
    return recorder.result((performance.now() - started) / 1000);
  }

  /** `clients` clients each send a group, wait until it is final, and send the next, until `durationS` is over. */
  async groupLoop(
    tag: string,
    clients: number,
    durationS: number,
    next: () => TransferGroup,
  ): Promise<GroupLoadResult> {
    const recorder = new Recorder();
    const finalMs: number[] = [];
    let polls = 0;
    const started = performance.now();
    await clientsUntil(clients, started + durationS * 1000, async () => {
      const sent = await this.sendGroup(tag, next(), recorder);
      if (!sent.id) return sent.retryAfterS;
      const accepted = performance.now();
      const waited = await this.groupFinal(sent.id, sent.authorization, GROUP_POLL_MAX_MS);
      polls += waited; // `polls += await …` would read `polls` before the wait and lose the other clients' counts
      finalMs.push(performance.now() - accepted);
      return 0;
    });
    return {
      ...recorder.result((performance.now() - started) / 1000),
      finalMs: Float64Array.from(finalMs).sort(),
      polls,
    };
  }

  /** One atomic group, sent alone: ms from its POST until it is seen final (polled every GROUP_POLL_MS). */
  async oneGroup(tag: string, group: TransferGroup): Promise<number> {
    const recorder = new Recorder();
    const started = performance.now();
    const sent = await this.sendGroup(tag, group, recorder);
    if (!sent.id) throw new Error(`the group was refused: ${recorder.result(0).errorSamples.join(' | ')}`);
    await this.groupFinal(sent.id, sent.authorization, GROUP_POLL_MS);
    return performance.now() - started;
  }

  /**
   * Transfers at a fixed rate whatever the answers do; each latency counts from the moment the
   * request was due, so a stalled server is not hidden by requests that were never sent.
   */
  async openLoop(tag: string, ratePerSec: number, durationS: number, next: () => Transfer): Promise<LoadResult> {
    const recorder = new Recorder();
    const inFlight = new Set<Promise<number>>();
    const started = performance.now();
    const total = Math.floor(ratePerSec * durationS);
    for (let sent = 0; sent < total;) {
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

  /**
   * `clients` clients each authorize a manual-capture transfer, poll it (as a client would) until
   * the worker holds it, then capture it as its payee; the same again until `durationS` is over.
   * `authorize` times the 202s, `capture` the captures' 200s.
   */
  async holdThenCapture(
    tag: string,
    clients: number,
    durationS: number,
    next: () => HeldTransfer,
  ): Promise<{ authorize: LoadResult; capture: LoadResult }> {
    const authorize = new Recorder();
    const capture = new Recorder();
    const started = performance.now();
    const deadline = started + durationS * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) await this.holdOnce(tag, next(), authorize, capture);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { authorize: authorize.result(seconds), capture: capture.result(seconds) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async holdOnce(
    tag: string,
    { payer, payee }: HeldTransfer,
    authorize: Recorder,
    capture: Recorder,
  ): Promise<void> {
    try {
      const sent = performance.now();
      const created = await this.call('POST', '/api/v1/payments', payer.authorization, {
        fromAccountId: payer.accountId,
        toAccountId: payee.accountId,
        amount: randomAmount(),
        description: tag,
        capture: 'manual',
      });
      if (created.statusCode !== 202) return authorize.error(`${created.statusCode} ${JSON.stringify(created.body)}`);
      authorize.accepted(performance.now() - sent);
      const path = `/api/v1/payments/${created.body.id}`;
      let status = created.body.status;
      while (status === 'INITIATED') {
        await sleep(HOLD_POLL_MS);
        status = (await this.call('GET', path, payee.authorization)).body.status;
      }
      if (status !== 'AUTHORIZED') return capture.error(`the hold ended ${status}`);
      const capturing = performance.now();
      const captured = await this.call('POST', `${path}/capture`, payee.authorization, {});
      if (captured.statusCode === 200) capture.accepted(performance.now() - capturing);
      else capture.error(`${captured.statusCode} ${JSON.stringify(captured.body)}`);
    } catch (error) {
      capture.error((error as Error).message);
    }
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    authorization: string,
    body?: object,
  ): Promise<{ statusCode: number; body: { id: string; status: string } }> {
    const response = await this.pool.request({
      method,
      path,
      headers: { authorization, ...(body && { 'content-type': 'application/json' }) },
      body: body && JSON.stringify(body),
    });
    return { statusCode: response.statusCode, body: (await response.body.json()) as { id: string; status: string } };
  }

  /** Sends one group of transfers; when refused with Retry-After, how many seconds the answer asks to wait. */
  private async sendGroup(
    tag: string,
    { sender, payeeAccountIds }: TransferGroup,
    recorder: Recorder,
  ): Promise<{ id?: string; authorization: string; retryAfterS: number }> {
    const { authorization } = sender;
    const sent = performance.now();
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: '/api/v1/payment-groups',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({
          atomic: true,
          description: tag,
          items: payeeAccountIds.map((toAccountId) => ({
            type: 'TRANSFER',
            fromAccountId: sender.accountId,
            toAccountId,
            amount: randomAmount(),
            description: tag,
          })),
        }),
      });
      if (response.statusCode === 202) {
        const { id } = (await response.body.json()) as { id: string };
        recorder.accepted(performance.now() - sent);
        return { id, authorization, retryAfterS: 0 };
      }
      recorder.error(`${response.statusCode} ${await response.body.text()}`);
      return { authorization, retryAfterS: Number(response.headers['retry-after'] ?? 0) || 0 };
    } catch (error) {
      recorder.error((error as Error).message);
      return { authorization, retryAfterS: 0 };
    }
  }

  /** Polls a group until it is final; answers how many polls that took. */
  private async groupFinal(id: string, authorization: string, maxIntervalMs: number): Promise<number> {
    const deadline = performance.now() + GROUP_FINAL_TIMEOUT_MS;
    for (let polls = 1, intervalMs = GROUP_POLL_MS; ; polls++, intervalMs = Math.min(maxIntervalMs, intervalMs * 1.5)) {
      if (performance.now() > deadline)
        throw new Error(`group ${id} not final ${GROUP_FINAL_TIMEOUT_MS} ms after its 202`);
      await sleep(intervalMs);
      const response = await this.pool.request({
        method: 'GET',
        path: `/api/v1/payment-groups?id=${id}`,
        headers: { authorization },
      });
      const body = (await response.body.json()) as { data?: Array<{ status: string }> };
      if (response.statusCode !== 200) throw new Error(`polling group ${id}: ${response.statusCode}`);
      if (body.data?.[0]?.status !== 'INITIATED') return polls;
    }
  }

  /** Sends one transfer; when refused with Retry-After, how many seconds the answer asks to wait. */
  private async send(
    tag: string,
    { payer, payeeAccountId }: Transfer,
    dueAt: number,
    recorder: Recorder,
  ): Promise<number> {
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: '/api/v1/payments',
        headers: { authorization: payer.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({
          fromAccountId: payer.accountId,
          toAccountId: payeeAccountId,
          amount: randomAmount(),
          description: tag,
        }),
      });
      if (response.statusCode === 202) {
        await response.body.dump();
        recorder.accepted(performance.now() - dueAt);
        return 0;
      }
      recorder.error(`${response.statusCode} ${await response.body.text()}`);
      return Number(response.headers['retry-after'] ?? 0) || 0;
    } catch (error) {
      recorder.error((error as Error).message);
      return 0;
    }
  }
}

/**
 * `clients` clients each call `once` again as soon as it returns, until `deadline`; as a client
 * should, a refusal's Retry-After (the seconds `once` answers) is honoured, not met with the next
 * request at once.
 */
async function clientsUntil(clients: number, deadline: number, once: () => Promise<number>): Promise<void> {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const retryAfterS = await once();
        if (retryAfterS) await sleep(Math.min(retryAfterS * 1000, deadline - performance.now()));
      }
    }),
  );
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
    return {
      requests: acceptMs.length + this.errors,
      accepted: acceptMs.length,
      errors: this.errors,
      errorSamples: this.errorSamples,
      durationS,
      acceptMs,
    };
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
