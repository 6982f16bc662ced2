import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TestUser } from './users.js';

/** A client's view of one request: an HTTP status, or 'timeout' when no answer came in time (a hang). */
export interface Answer {
  key: string;
  status: number | 'timeout';
  body: Record<string, unknown>;
  contentType: string;
  retryAfter?: string;
  /** When it was answered (or timed out), relative to the outage: before it, during it, or after it ended. */
  phase: 'before' | 'during' | 'after';
}

export interface Ring {
  users: TestUser[];
  accounts: string[];
}

const CLIENT_TIMEOUT_MS = 10_000;
const RETRY_PAUSE_MS = 200;

/**
 * Concurrent clients paying around a ring, as careful clients do: every payment carries its own
 * Idempotency-Key and a client-side timeout, and an answer of 503 is retried with the same key.
 * Bounded: each client stops after `perClient` payments or when `stop()` is called.
 */
export class PaymentBurst {
  readonly answers: Answer[] = [];
  readonly accepted = new Map<string, string>(); // Idempotency-Key → payment id
  phase: Answer['phase'] = 'before';
  private stopping = false;
  private running: Promise<void>[] = [];

  constructor(
    private readonly url: () => string,
    private readonly ring: Ring,
  ) {}

  start(clients: number, perClient: number): void {
    this.running = Array.from({ length: clients }, (_, c) => this.client(c, perClient));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /** Resolves once `count` payments were accepted in the current phase. */
  async until(count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (
      this.answers.filter((a) => a.phase === this.phase && (a.status === 202 || a.status === 200)).length < count
    ) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} payments accepted in phase ${this.phase}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async client(c: number, perClient: number): Promise<void> {
    const { users, accounts } = this.ring;
    for (let i = 0; i < perClient && !this.stopping; i++) {
      const from = (c + i) % accounts.length;
      const body = {
        fromAccountId: accounts[from],
        toAccountId: accounts[(from + 1) % accounts.length],
        amount: `${1 + (i % 3)}.00`,
      };
      const key = randomUUID();
      // A 503 leaves the outcome unknown to the client; it retries with the same key until it knows.
      for (let attempt = 0; attempt < 200; attempt++) {
        const answer = await this.send(users[from], body, key);
        this.answers.push(answer);
        if (answer.status === 202 || answer.status === 200) {
          this.accepted.set(key, answer.body.id as string);
          break;
        }
        if (answer.status !== 503) break;
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
      }
    }
  }

  private async send(user: TestUser, body: object, key: string): Promise<Answer> {
    try {
      const res = await request(this.url())
        .post('/api/v1/payments')
        .set(user.auth)
        .set('Idempotency-Key', key)
        .timeout(CLIENT_TIMEOUT_MS)
        .send(body);
      return {
        key,
        status: res.status,
        body: res.body,
        contentType: res.headers['content-type'] ?? '',
        retryAfter: res.headers['retry-after'],
        phase: this.phase,
      };
    } catch (error) {
      if ((error as { timeout?: number }).timeout)
        return { key, status: 'timeout', body: {}, contentType: '', phase: this.phase };
      throw error;
    }
  }
}
