/** ISO 4217 minor-unit exponents of the codes this gateway can be configured with. */
const ISO_EXPONENTS: Record<string, number> = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  RUB: 2,
  JPY: 0,
  CHF: 2,
  CAD: 2,
  AUD: 2,
  NZD: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  HUF: 2,
  TRY: 2,
  INR: 2,
  BRL: 2,
  MXN: 2,
  ZAR: 2,
  ILS: 2,
  AED: 2,
  KRW: 0,
  ISK: 0,
  CLP: 0,
  VND: 0,
  KWD: 3,
  BHD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
};

export interface Currency {
  readonly code: string;
  readonly exponent: number;
}

export function isKnownCurrency(code: string): boolean {
  return Object.hasOwn(ISO_EXPONENTS, code);
}

export function currencyOf(code: string): Currency {
  const exponent = ISO_EXPONENTS[code];
  if (exponent === undefined) throw new Error(`Unknown currency ${code}`);
  return { code, exponent };
}
