import { InvalidIdempotencyKey } from './payments.errors.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]{1,255}$/;

/**
 * The optional Idempotency-Key header, each time the request gave it: absent is fine; given twice,
 * or anything but 1..255 printable ASCII, is not (Node would join two into one "a, b" key).
 */
export function parseIdempotencyKey(headers: readonly string[]): string | undefined {
  if (headers.length === 0) return undefined;
  if (headers.length > 1) throw new InvalidIdempotencyKey('Idempotency-Key must be given at most once');
  if (!PRINTABLE_ASCII.test(headers[0])) throw new InvalidIdempotencyKey();
  return headers[0];
}
