import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> & { id: string } };
  receivedAt: number;
}

/** How the receiver answers a request: a status (and headers), or no answer at all. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides each answer; 200 by default. */
  answer: (request: ReceivedWebhook, index: number) => Answer;
  /** The requests about one payment, in arrival order. */
  about(paymentId: string): ReceivedWebhook[];
  /** Waits until `predicate` holds of what arrived. */
  until(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Answers every request left hanging so far with `status`; answers how many. */
  release(status: number): number;
  /** Requests answered `hang` and not yet released. */
  hanging(): number;
  close(): Promise<void>;
}

/** A receiver on 127.0.0.1 that records every webhook POSTed to it. */
export async function startReceiver(): Promise<WebhookReceiver> {
  const hanging: ServerResponse[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    answer: () => ({ status: 200 }),
    about: (paymentId) => receiver.received.filter((r) => r.body.data.id === paymentId),
    async until(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline)
          throw new Error(
            `receiver: condition not met after ${timeoutMs} ms; got ${receiver.received.map((r) => `${r.body.type} ${r.body.data.id}`).join(', ')}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return receiver.received;
    },
    release(status) {
      const answered = hanging.splice(0);
      for (const res of answered) res.writeHead(status).end();
      return answered.length;
    },
    hanging: () => hanging.length,
    async close() {
      hanging.forEach((res) => res.destroy());
      server.closeAllConnections();
      server.close();
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedWebhook = {
        headers: req.headers,
        rawBody,
        body: JSON.parse(rawBody),
        receivedAt: Date.now(),
      };
      receiver.received.push(request);
      const answer = receiver.answer(request, receiver.received.length - 1);
      if (answer === 'hang') return void hanging.push(res);
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/** The README's verification, as a receiver would write it. */
export function verifySignature(
  header: string,
  rawBody: string,
  secret: string,
  nowSeconds = Date.now() / 1000,
): boolean {
  const parts = header.split(',');
  const t = parts.find((p) => p.startsWith('t='))?.slice(2);
  if (!t || Math.abs(nowSeconds - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return parts
    .filter((p) => p.startsWith('v1='))
    .map((p) => Buffer.from(p.slice(3), 'hex'))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}
