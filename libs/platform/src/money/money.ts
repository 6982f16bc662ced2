import type { Currency } from './currency.js';
import { InvalidAmount } from './money.errors.js';

const TEN = 10n;
const MAX_INTEGER_DIGITS = 15;

export function pow10(exponent: number): bigint {
  return TEN ** BigInt(exponent);
}

/**
 * Parses a client's decimal string into minor units of `currency`. Accepts exactly the form the
 * contract names: no sign, no leading zeros, at most the currency's decimals, never zero unless
 * `allowZero` (a bound on a balance, not an amount moved).
 */
export function parseAmount(input: unknown, currency: Currency, { allowZero = false } = {}): bigint {
  if (typeof input !== 'string') throw new InvalidAmount('amount must be a decimal string');
  const fraction = currency.exponent === 0 ? '' : `(?:\\.([0-9]{1,${currency.exponent}}))?`;
  const match = new RegExp(`^(0|[1-9][0-9]{0,${MAX_INTEGER_DIGITS - 1}})${fraction}$`).exec(input);
  if (!match) {
    throw new InvalidAmount(
      `amount must be a positive decimal string with at most ${currency.exponent} decimals for ${currency.code}`,
    );
  }
  const minor =
    BigInt(match[1]) * pow10(currency.exponent) + BigInt((match[2] ?? '').padEnd(currency.exponent, '0') || '0');
  if (minor === 0n && !allowZero) throw new InvalidAmount('amount must not be zero');
  return minor;
}

/** Whether minor units of `currency` are an amount as the contract writes one: not zero, at most 15 integer digits. */
export function isAmount(minor: bigint, currency: Currency): boolean {
  return minor > 0n && minor < pow10(MAX_INTEGER_DIGITS + currency.exponent);
}

/** Formats minor units with the currency's full precision: 1250n USD → "12.50", 0n JPY → "0". */
export function formatAmount(minor: bigint, currency: Currency): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(currency.exponent + 1, '0');
  const integer = digits.slice(0, digits.length - currency.exponent);
  const fraction = digits.slice(digits.length - currency.exponent);
  return `${negative ? '-' : ''}${integer}${currency.exponent ? `.${fraction}` : ''}`;
}

/** numerator / denominator rounded half to even (banker's rounding); denominator > 0. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let quotient = n / denominator;
  const twiceRemainder = (n % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}
