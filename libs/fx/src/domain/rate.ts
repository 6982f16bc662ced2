import { type Currency, divideHalfEven, pow10 } from '#platform';
import { InvalidRate } from './fx.errors.js';

export const MAX_RATE_SIGNIFICANT_DIGITS = 12;
/** The smallest rate is 1e-18: bounded so PostgreSQL stores it exactly and a list filter can name it. */
export const MAX_RATE_DECIMALS = 18;

/** What a client may write: no sign, exponent, whitespace, leading zeros, `1.` or `.5`. */
export const RATE_PATTERN = '^(0|[1-9][0-9]*)(\\.[0-9]+)?$';
const RATE_SHAPE = new RegExp(RATE_PATTERN);

/** An exact rate: `coefficient / 10^scale`, normalised (the coefficient does not end in 0 when scale > 0). */
export interface ExactRate {
  readonly coefficient: bigint;
  readonly scale: number;
}

/**
 * Reads a rate from a decimal string. Trailing zeros of the fraction do not change the value, so
 * they are not significant digits: "0.9200" is the rate 0.92 with two.
 */
export function parseRate(input: unknown): ExactRate {
  if (typeof input !== 'string') throw new InvalidRate('must be a decimal string such as "0.9234"');
  const match = RATE_SHAPE.exec(input);
  if (!match) throw new InvalidRate('must be a plain positive decimal string such as "0.9234"');
  const fraction = (match[2] ?? '').slice(1).replace(/0+$/, '');
  const coefficient = BigInt(match[1] + fraction);
  if (coefficient === 0n) throw new InvalidRate('must be positive');
  if (coefficient.toString().length > MAX_RATE_SIGNIFICANT_DIGITS) {
    throw new InvalidRate(`must have at most ${MAX_RATE_SIGNIFICANT_DIGITS} significant digits`);
  }
  if (fraction.length > MAX_RATE_DECIMALS) throw new InvalidRate(`must have at most ${MAX_RATE_DECIMALS} decimals`);
  return { coefficient, scale: fraction.length };
}

/** The shortest exact decimal string: 0.92 → "0.92", 2 → "2", 1.2345e-8 → "0.000000012345". */
export function formatRate({ coefficient, scale }: ExactRate): string {
  if (scale === 0) return coefficient.toString();
  const digits = coefficient.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * `amountMinor` of `from` converted at `rate` into minor units of `to`, exactly on integers and
 * rounded half to even once, at the target's minor unit:
 * amountMinor / 10^from.exponent × coefficient / 10^scale × 10^to.exponent.
 */
export function convertAmount(amountMinor: bigint, rate: ExactRate, from: Currency, to: Currency): bigint {
  return divideHalfEven(amountMinor * rate.coefficient * pow10(to.exponent), pow10(from.exponent + rate.scale));
}
