import fc from 'fast-check';
import { currencyOf, type Currency } from './currency.js';
import { divideHalfEven, formatAmount, isAmount, parseAmount } from './money.js';
import { InvalidAmount } from './money.errors.js';

const USD = currencyOf('USD');
const JPY = currencyOf('JPY');
const KWD = currencyOf('KWD');
const currencies = fc.constantFrom(USD, JPY, KWD);
const MAX_MINOR_INTEGER_PART = 10n ** 15n - 1n;

/** A valid amount as a client may write it: full precision or fewer decimals, never zero. */
const amountString = (currency: Currency) =>
  fc
    .tuple(
      fc.oneof(fc.constant('0'), fc.bigInt({ min: 1n, max: MAX_MINOR_INTEGER_PART }).map(String)),
      currency.exponent === 0
        ? fc.constant('')
        : fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: currency.exponent }),
    )
    .map(([integer, fraction]) => (fraction ? `${integer}.${fraction}` : integer))
    .filter((input) => /[1-9]/.test(input));

/** What formatAmount produces: the full precision, trailing zeros kept. */
const canonical = (input: string, currency: Currency) => {
  const [integer, fraction = ''] = input.split('.');
  return currency.exponent === 0 ? integer : `${integer}.${fraction.padEnd(currency.exponent, '0')}`;
};

const positiveMinor = (currency: Currency) =>
  fc.bigInt({ min: 1n, max: (MAX_MINOR_INTEGER_PART + 1n) * 10n ** BigInt(currency.exponent) - 1n });

/** Half-to-even by exact rational comparison, written independently of divideHalfEven. */
function referenceHalfEven(numerator: bigint, denominator: bigint): bigint {
  const floor = numerator >= 0n ? numerator / denominator : -((-numerator + denominator - 1n) / denominator);
  const remainder = numerator - floor * denominator; // 0 <= remainder < denominator
  const comparison = 2n * remainder - denominator;
  if (comparison < 0n) return floor;
  if (comparison > 0n) return floor + 1n;
  return floor % 2n === 0n ? floor : floor + 1n;
}

describe('money', () => {
  it('formats every valid amount string back to its full-precision form', () => {
    fc.assert(
      fc.property(
        currencies.chain((currency) => fc.tuple(fc.constant(currency), amountString(currency))),
        ([currency, input]) => {
          expect(formatAmount(parseAmount(input, currency), currency)).toBe(canonical(input, currency));
        },
      ),
    );
  });

  it('parses every formatted amount back to the same minor units', () => {
    fc.assert(
      fc.property(
        currencies.chain((currency) => fc.tuple(fc.constant(currency), positiveMinor(currency))),
        ([currency, minor]) => {
          expect(parseAmount(formatAmount(minor, currency), currency)).toBe(minor);
        },
      ),
    );
  });

  it("formats with the currency's full precision", () => {
    expect(formatAmount(1250n, USD)).toBe('12.50');
    expect(formatAmount(1200n, USD)).toBe('12.00');
    expect(formatAmount(5n, USD)).toBe('0.05');
    expect(formatAmount(0n, USD)).toBe('0.00');
    expect(formatAmount(-5n, USD)).toBe('-0.05');
    expect(formatAmount(0n, JPY)).toBe('0');
    expect(formatAmount(1200n, JPY)).toBe('1200');
    expect(formatAmount(1n, KWD)).toBe('0.001');
  });

  it('accepts fewer decimals than the currency allows', () => {
    expect(parseAmount('12.5', USD)).toBe(1250n);
    expect(parseAmount('12', USD)).toBe(1200n);
    expect(parseAmount('0.01', USD)).toBe(1n);
    expect(parseAmount('999999999999999.99', USD)).toBe(99999999999999999n);
  });

  it('adds parsed amounts exactly and associatively, so a sum formats to the decimal sum', () => {
    fc.assert(
      fc.property(
        currencies.chain((currency) =>
          fc.tuple(fc.constant(currency), fc.array(amountString(currency), { minLength: 1, maxLength: 20 })),
        ),
        ([currency, inputs]) => {
          const minors = inputs.map((input) => parseAmount(input, currency));
          const leftToRight = minors.reduce((sum, minor) => sum + minor, 0n);
          const rightToLeft = minors.reduceRight((sum, minor) => sum + minor, 0n);
          expect(leftToRight).toBe(rightToLeft);
          expect(formatAmount(leftToRight, currency)).toBe(
            decimalSum(inputs.map((input) => canonical(input, currency))),
          );
        },
      ),
    );
  });

  it('adds ten times 0.10 to exactly 1.00, where a double would not', () => {
    const tenCents = Array.from({ length: 10 }, () => parseAmount('0.10', USD));
    expect(
      formatAmount(
        tenCents.reduce((sum, minor) => sum + minor, 0n),
        USD,
      ),
    ).toBe('1.00');
  });

  it('divides with rounding half to even, like an exact reference', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (numerator, denominator) => {
          expect(divideHalfEven(numerator, denominator)).toBe(referenceHalfEven(numerator, denominator));
        },
      ),
    );
  });

  it.each([
    [5n, 2n, 2n],
    [15n, 2n, 8n],
    [25n, 2n, 12n],
    [-5n, 2n, -2n],
    [-15n, 2n, -8n],
    [7n, 2n, 4n],
    [50_005n, 10_000n, 5n],
    [50_015n, 10_000n, 5n],
    [50_025n, 10_000n, 5n],
    [149n, 100n, 1n],
    [151n, 100n, 2n],
  ])('rounds %s / %s to %s', (numerator, denominator, expected) => {
    expect(divideHalfEven(numerator, denominator)).toBe(expected);
  });

  it('refuses a zero or negative denominator', () => {
    expect(() => divideHalfEven(1n, 0n)).toThrow(RangeError);
    expect(() => divideHalfEven(1n, -2n)).toThrow(RangeError);
  });

  it.each<[string, unknown, Currency]>([
    ['missing', undefined, USD],
    ['null', null, USD],
    ['a JSON number', 12.5, USD],
    ['an integer JSON number', 12, USD],
    ['more decimals than USD allows', '1.001', USD],
    ['zero', '0', USD],
    ['zero with decimals', '0.00', USD],
    ['negative', '-1', USD],
    ['an explicit plus', '+1', USD],
    ['a trailing point', '1.', USD],
    ['no integer part', '.5', USD],
    ['leading zeros', '007', USD],
    ['exponent notation', '1e3', USD],
    ['upper-case exponent notation', '1E3', USD],
    ['a leading space', ' 1', USD],
    ['a trailing space', '1 ', USD],
    ['a trailing newline', '1\n', USD],
    ['an inner space', '1 000', USD],
    ['a thousands separator', '1,000', USD],
    ['a decimal comma', '1,5', USD],
    ['16 integer digits', '1000000000000000', USD],
    ['JPY with a fraction', '12.5', JPY],
    ['JPY with a zero fraction', '12.0', JPY],
    ['an empty string', '', USD],
    ['hexadecimal', '0x10', USD],
    ['Infinity', 'Infinity', USD],
    ['NaN', 'NaN', USD],
    ['a boolean', true, USD],
    ['an object', { amount: '1' }, USD],
  ])('refuses %s with InvalidAmount', (_what, input, currency) => {
    expect(() => parseAmount(input, currency)).toThrow(InvalidAmount);
  });

  it('tells an amount from minor units the contract cannot write: zero, negative, more than 15 integer digits', () => {
    fc.assert(
      fc.property(
        currencies.chain((currency) => fc.tuple(fc.constant(currency), positiveMinor(currency))),
        ([currency, minor]) => {
          expect(isAmount(minor, currency)).toBe(true);
        },
      ),
    );
    expect(isAmount(99999999999999999n, USD)).toBe(true);
    expect(isAmount(100000000000000000n, USD)).toBe(false);
    expect(isAmount(999999999999999n, JPY)).toBe(true);
    expect(isAmount(1000000000000000n, JPY)).toBe(false);
    expect(isAmount(0n, USD)).toBe(false);
    expect(isAmount(-1n, USD)).toBe(false);
  });

  it("refuses every string that breaks the contract's pattern", () => {
    fc.assert(
      fc.property(
        currencies,
        fc.string({ unit: fc.constantFrom(...'0123456789.-+e ,'), maxLength: 20 }),
        (currency, input) => {
          const fraction = currency.exponent ? `(\\.[0-9]{1,${currency.exponent}})?` : '';
          const valid = new RegExp(`^(0|[1-9][0-9]{0,14})${fraction}$`).test(input) && /[1-9]/.test(input);
          if (valid) expect(parseAmount(input, currency)).toBeGreaterThan(0n);
          else expect(() => parseAmount(input, currency)).toThrow(InvalidAmount);
        },
      ),
    );
  });
});

/** Column addition on canonical decimal strings of one precision: independent of minor units. */
function decimalSum(values: string[]): string {
  const width = Math.max(...values.map((v) => v.length)) + values.length.toString().length + 1;
  const digits = (v: string) => v.replace('.', '').padStart(width, '0');
  let carry = 0;
  let result = '';
  for (let column = width - 1; column >= 0; column--) {
    const total = values.reduce((sum, v) => sum + Number(digits(v)[column]), carry);
    result = String(total % 10) + result;
    carry = Math.floor(total / 10);
  }
  const decimals = values[0].includes('.') ? values[0].length - values[0].indexOf('.') - 1 : 0;
  const integer = result.slice(0, result.length - decimals).replace(/^0+(?=\d)/, '');
  return decimals ? `${integer}.${result.slice(result.length - decimals)}` : integer;
}
