import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret, signatureHeader, signingHeaders, standardSignatureHeader } from './signature.js';

describe('signatureHeader', () => {
  const body = '{"id":"evt","type":"payment.completed"}';

  it('signs "<t>.<body>" with HMAC-SHA256 of the secret, in hex', () => {
    const expected = createHmac('sha256', 'whsec_test').update(`1769860800.${body}`).digest('hex');
    expect(signatureHeader(['whsec_test'], 1769860800, body)).toBe(`t=1769860800,v1=${expected}`);
  });

  it('carries one v1 per live secret, the newest first', () => {
    const header = signatureHeader(['whsec_new', 'whsec_old'], 1769860800, body);
    const [t, first, second] = header.split(',');
    expect(t).toBe('t=1769860800');
    expect(first).toBe(`v1=${createHmac('sha256', 'whsec_new').update(`1769860800.${body}`).digest('hex')}`);
    expect(second).toBe(`v1=${createHmac('sha256', 'whsec_old').update(`1769860800.${body}`).digest('hex')}`);
  });

  it('changes with a single byte of the body', () => {
    expect(signatureHeader(['s'], 1, body)).not.toBe(signatureHeader(['s'], 1, body.replace('completed', 'completes')));
  });
});

describe('Standard Webhooks signature', () => {
  const body = '{"id":"evt_1","type":"payment.completed"}';
  const now = () => Math.floor(Date.now() / 1000);

  it('is verified by the standardwebhooks library with the secret as shown', () => {
    const secret = newSigningSecret();
    const headers = signingHeaders('evt_1', [secret], now(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow('No matching signature found');
    expect(() => new Webhook(secret).verify(body.replace('evt_1', 'evt_2'), headers)).toThrow();
  });

  it('signs with every live secret, space-separated, so either verifies', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const headers = signingHeaders('evt_1', [current, previous], now(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous])
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('keys a secret made before, in base64url, with the same bytes: its standard spelling verifies', () => {
    const bytes = randomBytes(32);
    const legacy = `whsec_${bytes.toString('base64url')}`;
    const headers = signingHeaders('evt_1', [legacy], now(), body);
    expect(new Webhook(`whsec_${bytes.toString('base64')}`).verify(body, headers)).toEqual(JSON.parse(body));
    // Billing-Signature is keyed with the secret as written, as before.
    expect(headers['billing-signature']).toBe(signatureHeader([legacy], Number(headers['webhook-timestamp']), body));
  });

  it('is the base64 HMAC-SHA256 of "<id>.<t>.<body>" keyed with the decoded secret', () => {
    const key = randomBytes(32);
    const expected = createHmac('sha256', key).update(`evt_1.1769860800.${body}`).digest('base64');
    expect(standardSignatureHeader([`whsec_${key.toString('base64')}`], 'evt_1', 1769860800, body)).toBe(
      `v1,${expected}`,
    );
  });
});

describe('newSigningSecret', () => {
  it('is whsec_ and 256 random bits in base64', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
  });
});
