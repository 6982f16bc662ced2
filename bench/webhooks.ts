import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { percentile } from './load.js';

export interface WebhookMeasure {
  received: number;
  /** Deliveries received per second, from the first to the last. */
  deliveriesPerSec: number;
  /** Event recorded (the body's createdAt) → received by the endpoint. */
  lagP50Ms: number;
  lagP99Ms: number;
  /** Left PENDING or FAILED once the queue drained (or the wait gave up). */
  undelivered: number;
}

const DRAIN_TIMEOUT_MS = 120_000;

/**
 * An administrator's endpoint for every event, on a receiver in this process (127.0.0.1): what
 * delivering webhooks costs the payment path and how soon they arrive. A `hanging` one never
 * answers (the worker gives up at WEBHOOK_TIMEOUT_MS): what a dead tenant does to the others.
 */
export class WebhookReceiver {
  private lagsMs: number[] = [];
  private first = Infinity;
  private last = -Infinity;
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (this.hanging) return;
      const now = Date.now();
      const { createdAt } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { createdAt: string };
      this.lagsMs.push(now - Date.parse(createdAt));
      this.first = Math.min(this.first, now);
      this.last = Math.max(this.last, now);
      res.writeHead(204).end();
    });
  });

  constructor(private readonly hanging = false) {}

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/bench-hooks`;
  }

  /** Waits until nothing is left to deliver to `endpointId` (or the wait gives up). */
  async drained(db: pg.Client, endpointId: string): Promise<number> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    let pending = Infinity;
    while (pending > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      pending = (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'PENDING' AND endpoint_id = $1`,
          [endpointId],
        )
      ).rows[0].n;
    }
    return pending;
  }

  /** Once `drained`: what arrived since the last measure, how fast, how late. */
  async measure(db: pg.Client, endpointId: string): Promise<WebhookMeasure> {
    const pending = await this.drained(db, endpointId);
    const failed = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'FAILED' AND endpoint_id = $1`,
        [endpointId],
      )
    ).rows[0].n;
    const lags = Float64Array.from(this.lagsMs).sort();
    const measured = {
      received: lags.length,
      deliveriesPerSec: lags.length / Math.max((this.last - this.first) / 1000, 1e-3),
      lagP50Ms: percentile(lags, 0.5),
      lagP99Ms: percentile(lags, 0.99),
      undelivered: pending + failed,
    };
    this.lagsMs = [];
    this.first = Infinity;
    this.last = -Infinity;
    return measured;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((closed) => this.server.close(closed));
  }
}

/** Registers an endpoint as the administrator; answers its id. */
export async function registerAdminEndpoint(
  apiUrl: string,
  admin: { email: string; password: string },
  url: string,
): Promise<string> {
  const login = await fetch(`${apiUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const res = await fetch(`${apiUrl}/api/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ url, events: ['*'] }),
  });
  if (res.status !== 201)
    throw new Error(`registering the webhook endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
