import { isIP } from 'node:net';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Agent, request } from 'undici';
import { AppConfig } from '#platform';
import { WebhookAddresses } from '../address/webhook-addresses.js';
import type { AttemptResult } from '../domain/retry-policy.js';

export const USER_AGENT = 'billing-gateway-webhooks/1';

/** Whatever the receiver answers, only this much of its body is read. */
const BODY_READ_LIMIT = 4096;

/**
 * POSTs one webhook. Redirects are not followed (undici's request never does); connections go
 * only to addresses WebhookAddresses allows, resolved in the connection's own lookup.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(
    config: AppConfig,
    private readonly addresses: WebhookAddresses,
  ) {
    this.timeoutMs = config.webhookTimeoutMs;
    this.agent = new Agent({ connect: { lookup: addresses.lookup, timeout: config.webhookTimeoutMs } });
  }

  async send(url: string, body: string, headers: Record<string, string>): Promise<AttemptResult> {
    try {
      // A literal address is connected to without a lookup: it is checked here instead.
      const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
      if (isIP(host)) this.addresses.assertAllowed(host);
      const res = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.body.dump({ limit: BODY_READ_LIMIT });
      const retryAfter = res.headers['retry-after'];
      return { statusCode: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
    } catch (error) {
      return { error: describe(error as Error, this.timeoutMs) };
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }
}

function describe(error: Error, timeoutMs: number): string {
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: Error }).cause;
  return (cause?.message ?? error.message).slice(0, 500);
}
