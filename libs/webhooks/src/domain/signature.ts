import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret, shown to its owner once. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** HMAC-SHA256 of `<t>.<raw body>` keyed with the secret as written, hex. */
export function signaturePayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** `Billing-Signature`: `t=<unix seconds>` and one `v1=` per live secret, the newest first. */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signaturePayload(secret, timestamp, body)}`)].join(',');
}
