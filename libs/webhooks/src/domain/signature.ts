import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** A new signing secret, shown to its owner once: `whsec_` and 256 random bits in base64 (Standard Webhooks' form). */
export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** HMAC-SHA256 of `<t>.<raw body>` keyed with the secret as written, hex. */
export function signaturePayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** `Billing-Signature`: `t=<unix seconds>` and one `v1=` per live secret, the newest first. */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signaturePayload(secret, timestamp, body)}`)].join(',');
}

/**
 * The key Standard Webhooks signs with: the bytes the base64 after `whsec_` encodes. Secrets made
 * before it were written in base64url; Node reads both alphabets, so they keep their 256 bits.
 */
export function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/**
 * `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<t>.<body>">` per live secret, space-separated,
 * the newest first.
 */
export function standardSignatureHeader(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string {
  const signed = `${id}.${timestamp}.${body}`;
  const sign = (secret: string) => createHmac('sha256', standardKey(secret)).update(signed).digest('base64');
  return secrets.map((secret) => `v1,${sign(secret)}`).join(' ');
}

/** Every signing header of one attempt: this gateway's own, and Standard Webhooks' beside them. */
export function signingHeaders(
  eventId: string,
  secrets: readonly string[],
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    'billing-event-id': eventId,
    'billing-signature': signatureHeader(secrets, timestamp, body),
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardSignatureHeader(secrets, eventId, timestamp, body),
  };
}
