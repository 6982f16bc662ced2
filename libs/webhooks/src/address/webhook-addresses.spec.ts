import type { LookupAddress } from 'node:dns';
import type { AppConfig } from '#platform';
import { InvalidWebhookUrl } from '../domain/webhooks.errors.js';
import { WebhookAddresses } from './webhook-addresses.js';

const addresses = (insecure: boolean) => new WebhookAddresses({ webhookAllowInsecure: insecure } as AppConfig);

function lookup(guard: WebhookAddresses, hostname: string, all: boolean): Promise<string | LookupAddress[]> {
  return new Promise((resolve, reject) =>
    guard.lookup(hostname, { all }, (error: Error | null, address: string | LookupAddress[]) =>
      error ? reject(error) : resolve(address),
    ),
  );
}

describe('WebhookAddresses', () => {
  const secure = addresses(false);

  it.each([
    ['http://93.184.216.34/hook', 'must be https'],
    ['ftp://93.184.216.34/hook', 'must be https'],
    ['https://user:secret@93.184.216.34/hook', 'must not carry credentials'],
    ['https://127.0.0.1/hook', '127.0.0.1 is not a public address'],
    ['https://0x7f.1/hook', '127.0.0.1 is not a public address'],
    ['https://2130706433/hook', '127.0.0.1 is not a public address'],
    ['https://[::1]/hook', '::1 is not a public address'],
    ['https://[::ffff:10.0.0.1]/hook', 'is not a public address'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is not a public address'],
    ['not a url', 'is not an absolute URL'],
    [`https://93.184.216.34/${'a'.repeat(2048)}`, 'at most 2048 characters'],
  ])('refuses %s: %s', (url, reason) => {
    expect(() => secure.parse(url)).toThrow(InvalidWebhookUrl);
    expect(() => secure.parse(url)).toThrow(reason);
  });

  it('names the setting that allows plain http and private addresses in development', () => {
    expect(() => secure.parse('http://93.184.216.34/hook')).toThrow('WEBHOOK_ALLOW_INSECURE=true');
    expect(() => secure.parse('https://10.0.0.5/hook')).toThrow('WEBHOOK_ALLOW_INSECURE=true');
  });

  it('accepts https to a public address literal', async () => {
    await expect(secure.check('https://93.184.216.34/hook?x=1')).resolves.toBe('https://93.184.216.34/hook?x=1');
  });

  it('refuses a name that resolves to loopback, and one that does not resolve', async () => {
    await expect(secure.check('https://localhost/hook')).rejects.toThrow('is not a public address');
    await expect(secure.check('https://no-such-host.invalid/hook')).rejects.toThrow('does not resolve');
  });

  it("refuses, in the connection's own lookup, a name that resolves to a private address", async () => {
    await expect(lookup(secure, 'localhost', true)).rejects.toThrow('is not a public address');
    await expect(lookup(secure, 'localhost', false)).rejects.toThrow('is not a public address');
  });

  it('lets development and tests use http and local addresses, when allowed', async () => {
    const insecure = addresses(true);
    await expect(insecure.check('http://127.0.0.1:8080/hook')).resolves.toBe('http://127.0.0.1:8080/hook');
    await expect(insecure.check('http://localhost:8080/hook')).resolves.toBe('http://localhost:8080/hook');
    expect(await lookup(insecure, 'localhost', false)).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(() => insecure.parse('http://u:p@127.0.0.1/')).toThrow('must not carry credentials');
  });
});
