import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '#platform';
import { InvalidWebhookUrl } from '../domain/webhooks.errors.js';
import { isPublicAddress } from './public-address.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** A developer pointing a webhook at a local receiver learns which setting allows it. */
const INSECURE_HINT = ' (WEBHOOK_ALLOW_INSECURE=true allows plain http and private addresses, in development only)';

/** The host of a URL as an address or a name: IPv6 literals lose their brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Where webhooks may go. Outside development and tests (WEBHOOK_ALLOW_INSECURE) only https to
 * public addresses: a webhook must not become a way to reach the gateway's own network. The check
 * runs when an endpoint is registered or changed, and again in the lookup of every connection, so
 * the address connected to is the one just checked and a name re-pointed since (DNS rebinding)
 * gains nothing.
 */
@Injectable()
export class WebhookAddresses implements OnApplicationBootstrap {
  private readonly insecure: boolean;

  constructor(config: AppConfig) {
    this.insecure = config.webhookAllowInsecure;
  }

  /** Said once at start-up, so that a production process started with it is noticed. */
  onApplicationBootstrap(): void {
    if (!this.insecure) return;
    new Logger('Webhooks').warn(
      'WEBHOOK_ALLOW_INSECURE=true: webhooks may go to plain http and private addresses; never in production',
    );
  }

  /** The URL's form alone: scheme, no credentials, a sensible length, an address literal that is allowed. */
  parse(raw: string): URL {
    if (raw.length > MAX_WEBHOOK_URL_LENGTH)
      throw new InvalidWebhookUrl(`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new InvalidWebhookUrl('is not an absolute URL');
    }
    const schemes = this.insecure ? ['https:', 'http:'] : ['https:'];
    if (!schemes.includes(url.protocol))
      throw new InvalidWebhookUrl(this.insecure ? 'must be http or https' : `must be https${INSECURE_HINT}`);
    if (url.username || url.password) throw new InvalidWebhookUrl('must not carry credentials');
    const host = hostOf(url);
    if (isIP(host)) this.assertAllowed(host);
    return url;
  }

  /** The form, and every address the host resolves to: what registering or changing an endpoint requires. */
  async check(raw: string): Promise<string> {
    const url = this.parse(raw);
    const host = hostOf(url);
    if (!isIP(host)) {
      const addresses = await this.resolve(host).catch(() => {
        throw new InvalidWebhookUrl(`host ${host} does not resolve`);
      });
      addresses.forEach(({ address }) => this.assertAllowed(address));
    }
    return url.toString();
  }

  /** For the HTTP client's connections: resolves, refuses if any address is not allowed, connects to those checked. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (addresses) => {
        try {
          addresses.forEach(({ address }) => this.assertAllowed(address));
        } catch (error) {
          return callback(error as NodeJS.ErrnoException, '', 0);
        }
        if (options.all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  assertAllowed(address: string): void {
    if (!this.insecure && !isPublicAddress(address))
      throw new InvalidWebhookUrl(`${address} is not a public address${INSECURE_HINT}`);
  }

  private resolve(hostname: string): Promise<LookupAddress[]> {
    return new Promise((resolve, reject) =>
      dnsLookup(hostname, { all: true }, (error, addresses) =>
        error ? reject(error) : addresses.length ? resolve(addresses) : reject(new Error(`${hostname} has no address`)),
      ),
    );
  }
}
