import { createHmac } from 'node:crypto';
import { newSigningSecret, signatureHeader } from './signature.js';

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

describe('newSigningSecret', () => {
  it('is whsec_ and 256 random bits', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSigningSecret()).not.toBe(secret);
  });
});
