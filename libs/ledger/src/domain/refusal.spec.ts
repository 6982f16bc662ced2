import type { Leg } from './posting.js';
import { type LockedAccount, refusalOf } from './refusal.js';

const GREATEST = 2n ** 63n - 1n;
const LEAST = -(2n ** 63n);

const accounts = (balances: Record<string, [LockedAccount['type'], bigint]>) =>
  new Map(
    Object.entries(balances).map(([id, [type, balance]]): [string, LockedAccount] => [
      id,
      { type, currency: 'USD', balance, held: 0n },
    ]),
  );

const leg = (accountId: string, amount: bigint, type: Leg['type'] = 'TRANSFER'): Leg => ({
  accountId,
  currency: 'USD',
  amount,
  type,
});
const refusal = (legs: Leg[], balances: Parameters<typeof accounts>[0]) =>
  refusalOf({ paymentId: 'p', legs }, accounts(balances));

describe('refusalOf', () => {
  it('accepts a posting the payer can afford', () => {
    expect(refusal([leg('alice', -100n), leg('bob', 100n)], { alice: ['USER', 100n], bob: ['USER', 0n] })).toBeNull();
  });

  it('refuses INSUFFICIENT_FUNDS when a user account would end below zero, counting every leg on it', () => {
    const legs = [
      leg('alice', -100n),
      leg('bob', 100n),
      leg('alice', -1n, 'COMMISSION'),
      leg('fees', 1n, 'COMMISSION'),
    ];
    expect(refusal(legs, { alice: ['USER', 100n], bob: ['USER', 0n], fees: ['TECHNICAL', 0n] })).toBe(
      'INSUFFICIENT_FUNDS',
    );
    expect(refusal(legs, { alice: ['USER', 101n], bob: ['USER', 0n], fees: ['TECHNICAL', 0n] })).toBeNull();
  });

  it('lets a technical account go below zero', () => {
    expect(
      refusal([leg('bank', -100n), leg('alice', 100n)], { bank: ['TECHNICAL', 0n], alice: ['USER', 0n] }),
    ).toBeNull();
  });

  it('refuses ACCOUNT_NOT_FOUND for a leg on an account that is not there', () => {
    expect(refusal([leg('alice', -1n), leg('ghost', 1n)], { alice: ['USER', 1n] })).toBe('ACCOUNT_NOT_FOUND');
  });

  it('refuses AMOUNT_OUT_OF_RANGE when a user account would hold more than BIGINT does, and accepts its greatest value', () => {
    expect(
      refusal([leg('bank', -1n), leg('alice', 1n)], { bank: ['TECHNICAL', 0n], alice: ['USER', GREATEST - 1n] }),
    ).toBeNull();
    expect(
      refusal([leg('bank', -2n), leg('alice', 2n)], { bank: ['TECHNICAL', 0n], alice: ['USER', GREATEST - 1n] }),
    ).toBe('AMOUNT_OUT_OF_RANGE');
  });

  it('refuses AMOUNT_OUT_OF_RANGE when a technical account would pass either end of BIGINT', () => {
    expect(
      refusal([leg('bank', -1n), leg('alice', 1n)], { bank: ['TECHNICAL', LEAST + 1n], alice: ['USER', 0n] }),
    ).toBeNull();
    expect(
      refusal([leg('bank', -2n), leg('alice', 2n)], { bank: ['TECHNICAL', LEAST + 1n], alice: ['USER', 0n] }),
    ).toBe('AMOUNT_OUT_OF_RANGE');
    expect(
      refusal([leg('alice', -2n), leg('fees', 2n)], { alice: ['USER', 2n], fees: ['TECHNICAL', GREATEST - 1n] }),
    ).toBe('AMOUNT_OUT_OF_RANGE');
  });

  it('refuses AMOUNT_OUT_OF_RANGE when a running balance passes BIGINT between two legs on one account, as balance_after would', () => {
    const legs = [leg('fx', 2n, 'EXCHANGE'), leg('fx', -2n, 'EXCHANGE'), leg('alice', -1n), leg('bob', 1n)];
    expect(refusal(legs, { fx: ['TECHNICAL', GREATEST - 1n], alice: ['USER', 1n], bob: ['USER', 0n] })).toBe(
      'AMOUNT_OUT_OF_RANGE',
    );
  });

  it('refuses AMOUNT_OUT_OF_RANGE a leg whose own amount BIGINT cannot hold, even where the balance after it could', () => {
    expect(
      refusal([leg('bank', 2n ** 63n), leg('ops', -(2n ** 63n))], {
        bank: ['TECHNICAL', -10n],
        ops: ['TECHNICAL', 10n],
      }),
    ).toBe('AMOUNT_OUT_OF_RANGE');
  });

  it('prefers INSUFFICIENT_FUNDS to AMOUNT_OUT_OF_RANGE when both hold', () => {
    expect(refusal([leg('alice', -2n), leg('bob', 2n)], { alice: ['USER', 1n], bob: ['USER', GREATEST] })).toBe(
      'INSUFFICIENT_FUNDS',
    );
  });

  it('throws, as a programming error, on a leg in another currency than its account', () => {
    expect(() =>
      refusalOf(
        { paymentId: 'p', legs: [{ ...leg('alice', -1n), currency: 'EUR' }, leg('bob', 1n)] },
        accounts({ alice: ['USER', 1n], bob: ['USER', 0n] }),
      ),
    ).toThrow('leg in EUR on a USD account alice');
  });

  describe('with holds', () => {
    const withHeld = (held: bigint) =>
      new Map<string, LockedAccount>([
        ['alice', { type: 'USER', currency: 'USD', balance: 100n, held }],
        ['bob', { type: 'USER', currency: 'USD', balance: 0n, held: 0n }],
      ]);
    const hold = (amount: bigint) => ({
      paymentId: 'p',
      legs: [],
      hold: { accountId: 'alice', currency: 'USD', amount, ttlMs: 1 },
    });

    it('places a hold the available balance covers, and refuses one it does not with INSUFFICIENT_FUNDS', () => {
      expect(refusalOf(hold(60n), withHeld(40n))).toBeNull();
      expect(refusalOf(hold(61n), withHeld(40n))).toBe('INSUFFICIENT_FUNDS');
    });

    it('counts what is held against every leg: the balance cannot be spent past the holds', () => {
      const legs = [leg('alice', -61n), leg('bob', 61n)];
      expect(refusalOf({ paymentId: 'p', legs }, withHeld(40n))).toBe('INSUFFICIENT_FUNDS');
      expect(refusalOf({ paymentId: 'p', legs }, withHeld(39n))).toBeNull();
    });

    it('refuses ACCOUNT_NOT_FOUND for a hold on an account that is not there', () => {
      expect(
        refusalOf(
          { paymentId: 'p', legs: [], hold: { accountId: 'ghost', currency: 'USD', amount: 1n, ttlMs: 1 } },
          withHeld(0n),
        ),
      ).toBe('ACCOUNT_NOT_FOUND');
    });
  });
});

describe('refusalOf a frozen or closed account', () => {
  const withState = (alice: Partial<LockedAccount>) =>
    new Map<string, LockedAccount>([
      ['alice', { type: 'USER', currency: 'USD', balance: 100n, held: 0n, ...alice }],
      ['bob', { type: 'USER', currency: 'USD', balance: 100n, held: 0n }],
    ]);
  const debit = { paymentId: 'p', legs: [leg('alice', -10n), leg('bob', 10n)] };
  const credit = { paymentId: 'p', legs: [leg('bob', -10n), leg('alice', 10n)] };
  const hold = { paymentId: 'p', legs: [], hold: { accountId: 'alice', currency: 'USD', amount: 10n, ttlMs: 1000 } };

  it('refuses ACCOUNT_FROZEN what the freeze is against, and lets the other direction through', () => {
    expect(refusalOf(debit, withState({ frozen: 'debits' }))).toBe('ACCOUNT_FROZEN');
    expect(refusalOf(credit, withState({ frozen: 'debits' }))).toBeNull();
    expect(refusalOf(credit, withState({ frozen: 'credits' }))).toBe('ACCOUNT_FROZEN');
    expect(refusalOf(debit, withState({ frozen: 'credits' }))).toBeNull();
    expect(refusalOf(debit, withState({ frozen: 'all' }))).toBe('ACCOUNT_FROZEN');
    expect(refusalOf(credit, withState({ frozen: 'all' }))).toBe('ACCOUNT_FROZEN');
  });

  it('refuses a new hold on an account frozen for debits, but settles a capture of an earlier one', () => {
    expect(refusalOf(hold, withState({ frozen: 'debits' }))).toBe('ACCOUNT_FROZEN');
    expect(refusalOf(hold, withState({ frozen: 'credits' }))).toBeNull();
    expect(refusalOf({ ...debit, settles: 'COMPLETED' }, withState({ frozen: 'all' }))).toBeNull();
  });

  it('refuses ACCOUNT_CLOSED whatever the direction, a capture included', () => {
    expect(refusalOf(debit, withState({ closed: true }))).toBe('ACCOUNT_CLOSED');
    expect(refusalOf(credit, withState({ closed: true }))).toBe('ACCOUNT_CLOSED');
    expect(refusalOf({ ...credit, settles: 'COMPLETED' }, withState({ closed: true }))).toBe('ACCOUNT_CLOSED');
    expect(refusalOf(hold, withState({ closed: true }))).toBe('ACCOUNT_CLOSED');
  });
});
