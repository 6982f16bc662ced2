import { InvalidIdempotencyKey } from './payments.errors.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]{1,255}$/;

/** The optional Idempotency-Key header: absent is fine, anything but 1..255 printable ASCII is not. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!PRINTABLE_ASCII.test(header)) throw new InvalidIdempotencyKey();
  return header;
}
