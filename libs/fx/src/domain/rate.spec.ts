import fc from 'fast-check';
import { currencyOf, formatAmount } from '#platform';
import { InvalidRate } from './fx.errors.js';
import { convertAmount, formatRate, parseRate } from './rate.js';

const USD = currencyOf('USD');
const EUR = currencyOf('EUR');
const JPY = currencyOf('JPY');
const KWD = currencyOf('KWD');

const convert = (amount: bigint, rate: string, from = USD, to = EUR) =>
  convertAmount(amount, parseRate(rate), from, to);

/** A valid rate as written by a client: up to 12 significant digits, up to 18 decimals, maybe trailing zeros. */
const rateString = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 12n - 1n }), fc.integer({ min: 0, max: 18 }), fc.integer({ min: 0, max: 3 }))
  .map(([coefficient, scale, trailingZeros]) => {
    const digits = coefficient.toString().padStart(scale + 1, '0');
    const fraction = digits.slice(digits.length - scale) + (scale ? '0'.repeat(trailingZeros) : '');
    return scale ? `${digits.slice(0, digits.length - scale)}.${fraction}` : digits;
  });

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

/**
 * amount × rate rounded half to even at `decimals`, by schoolbook multiplication and rounding on
 * decimal digit strings: written independently of bigint division. Returns minor units as a string.
 */
function referenceConvert(amount: string, rate: string, decimals: number): string {
  const [amountInt, amountFrac = ''] = amount.split('.');
  const [rateInt, rateFrac = ''] = rate.split('.');
  const a = (amountInt + amountFrac).split('').map(Number).reverse();
  const b = (rateInt + rateFrac).split('').map(Number).reverse();
  const product = new Array<number>(a.length + b.length).fill(0);
  a.forEach((x, i) => b.forEach((y, j) => (product[i + j] += x * y)));
  for (let i = 0; i < product.length - 1; i++) {
    product[i + 1] += Math.floor(product[i] / 10);
    product[i] %= 10;
  }
  const digits = product.reverse().join('');
  const productDecimals = amountFrac.length + rateFrac.length;
  if (productDecimals <= decimals) return BigInt(digits + '0'.repeat(decimals - productDecimals)).toString();
  const kept = digits.slice(0, digits.length - (productDecimals - decimals)) || '0';
  const dropped = digits.slice(digits.length - (productDecimals - decimals));
  const half = '5'.padEnd(dropped.length, '0');
  const lastKeptOdd = Number(kept.at(-1)) % 2 === 1;
  const roundUp = dropped > half || (dropped === half && lastKeptOdd);
  return (BigInt(kept) + (roundUp ? 1n : 0n)).toString();
}

describe('exchange rates', () => {
  describe('parseRate / formatRate', () => {
    it.each([
      ['0.9234', '0.9234'],
      ['150.25', '150.25'],
      ['0.000000012345', '0.000000012345'],
      ['0.9200', '0.92'],
      ['2', '2'],
      ['2.000', '2'],
      ['1000', '1000'],
      ['123456789012', '123456789012'],
      ['1.23456789012', '1.23456789012'],
      ['0.123456789012', '0.123456789012'],
      ['0.000000000000000001', '0.000000000000000001'],
    ])('reads %s as the exact rate %s', (input, normalised) => {
      expect(formatRate(parseRate(input))).toBe(normalised);
    });

    it('accepts 12 significant digits and refuses 13, wherever the point is', () => {
      expect(() => parseRate('999999999999')).not.toThrow();
      expect(() => parseRate('9999999999999')).toThrow(InvalidRate);
      expect(() => parseRate('1.00000000001')).not.toThrow();
      expect(() => parseRate('1.000000000001')).toThrow(InvalidRate);
      expect(() => parseRate('0.000001234567890123')).toThrow(InvalidRate);
      expect(() => parseRate('1000000000000')).toThrow(InvalidRate);
    });

    it.each<[string, unknown]>([
      ['zero', '0'],
      ['zero with decimals', '0.000'],
      ['negative', '-0.92'],
      ['an explicit plus', '+0.92'],
      ['not a number', 'abc'],
      ['exponent notation', '1e-3'],
      ['upper-case exponent notation', '9.2E-1'],
      ['a JSON number', 0.92],
      ['an integer JSON number', 2],
      ['missing', undefined],
      ['null', null],
      ['an empty string', ''],
      ['a trailing point', '1.'],
      ['no integer part', '.5'],
      ['leading zeros', '00.5'],
      ['whitespace', ' 0.92'],
      ['a decimal comma', '0,92'],
      ['Infinity', 'Infinity'],
      ['13 significant digits', '1.234567890123'],
      ['more than 18 decimals', '0.0000000000000000001'],
    ])('refuses %s with InvalidRate naming the field', (_what, input) => {
      const error = thrownBy(() => parseRate(input));
      expect(error).toBeInstanceOf(InvalidRate);
      expect(error).toMatchObject({
        code: 'INVALID_RATE',
        kind: 'invalid',
        fieldProblems: [{ field: 'rate', message: expect.any(String) }],
      });
    });

    it('formats every valid rate to a string that reads back to the same value, without trailing zeros', () => {
      fc.assert(
        fc.property(rateString, (input) => {
          const rate = parseRate(input);
          const formatted = formatRate(rate);
          expect(parseRate(formatted)).toEqual(rate);
          expect(formatted).not.toMatch(/\.\d*0$/);
          expect(formatted.replace(/^0\.0*/, '').replace('.', '').length).toBeLessThanOrEqual(12);
        }),
      );
    });
  });

  describe('convertAmount', () => {
    it('converts USD to EUR and back exactly', () => {
      expect(convert(1000n, '0.92')).toBe(920n);
      expect(convert(1999n, '0.9234')).toBe(1846n); // 18.458766 → 18.46
      expect(convert(920n, '1.0869', EUR, USD)).toBe(1000n); // 9.99948 → 10.00
      expect(convert(10_000n, '1.0869', EUR, USD)).toBe(10_869n);
    });

    it('converts between currencies with different exponents (USD ↔ JPY, KWD)', () => {
      expect(convert(100n, '150.25', USD, JPY)).toBe(150n); // 1.00 USD → 150.25 JPY
      expect(convert(102n, '150.25', USD, JPY)).toBe(153n); // 153.255 JPY
      expect(convert(1000n, '0.0067', JPY, USD)).toBe(670n); // 1000 JPY → 6.70 USD
      expect(convert(1n, '0.0067', JPY, USD)).toBe(1n); // 0.67 cent
      expect(convert(1n, '0.000000012345', JPY, USD)).toBe(0n);
      expect(convert(100n, '0.307', USD, KWD)).toBe(307n); // 1.00 USD → 0.307 KWD
      expect(convert(1n, '3.255', KWD, USD)).toBe(0n); // 0.001 KWD → 0.3255 cent
    });

    it.each([
      ['0.005 EUR rounds to the even 0.00', 1n, '0.5', USD, EUR, 0n],
      ['0.015 EUR rounds to the even 0.02', 3n, '0.5', USD, EUR, 2n],
      ['0.025 EUR rounds to the even 0.02', 5n, '0.5', USD, EUR, 2n],
      ['150.5 JPY rounds to the even 150', 100n, '150.5', USD, JPY, 150n],
      ['451.5 JPY rounds to the even 452', 300n, '150.5', USD, JPY, 452n],
      ['0.5 cent rounds to the even 0.00 USD', 1n, '0.005', JPY, USD, 0n],
      ['1.5 cents round to the even 0.02 USD', 3n, '0.005', JPY, USD, 2n],
      ['just above a tie rounds up', 1n, '0.500000000001', USD, EUR, 1n],
      ['just below a tie rounds down', 3n, '0.499999999999', USD, EUR, 1n],
    ])('rounds ties half to even: %s', (_what, amount, rate, from, to, expected) => {
      expect(convert(amount, rate, from, to)).toBe(expected);
    });

    it('agrees with schoolbook decimal multiplication rounded half to even, for every pair of exponents', () => {
      const currencies = fc.constantFrom(USD, EUR, JPY, KWD);
      fc.assert(
        fc.property(
          currencies,
          currencies,
          fc.bigInt({ min: 1n, max: 10n ** 17n }),
          rateString,
          (from, to, amount, rate) => {
            const expected = referenceConvert(formatAmount(amount, from), formatRate(parseRate(rate)), to.exponent);
            expect(convert(amount, rate, from, to).toString()).toBe(expected);
          },
        ),
        { numRuns: 2000 },
      );
    });

    it('never lets a larger amount convert to less', () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 1n, max: 10n ** 15n }),
          fc.bigInt({ min: 1n, max: 10n ** 15n }),
          rateString,
          (a, b, rate) => {
            const [small, large] = a <= b ? [a, b] : [b, a];
            expect(convert(small, rate, USD, JPY)).toBeLessThanOrEqual(convert(large, rate, USD, JPY));
          },
        ),
      );
    });
  });
});
