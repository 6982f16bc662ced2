import { applyPostings } from './batch.js';
import type { Posting } from './posting.js';
import type { LockedAccount } from './refusal.js';

const accounts = (balances: Record<string, bigint>) =>
  new Map(
    Object.entries(balances).map(([id, balance]): [string, LockedAccount] => [
      id,
      { type: 'USER', currency: 'USD', balance, held: 0n },
    ]),
  );

const transfer = (
  paymentId: string,
  from: string,
  to: string,
  amount: bigint,
  extra: Partial<Posting> = {},
): Posting => ({
  paymentId,
  legs: [
    { accountId: from, currency: 'USD', amount: -amount, type: 'TRANSFER' },
    { accountId: to, currency: 'USD', amount, type: 'TRANSFER' },
  ],
  ...extra,
});

const balancesOf = (map: Map<string, LockedAccount>) => Object.fromEntries([...map].map(([id, a]) => [id, a.balance]));

describe('applyPostings', () => {
  it('checks each posting against the balances its predecessors left', () => {
    const state = accounts({ a: 100n, b: 0n, c: 0n });
    const { decided, operations } = applyPostings([transfer('1', 'a', 'b', 100n), transfer('2', 'b', 'c', 60n)], state);
    expect(decided.map((d) => d.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(balancesOf(state)).toEqual({ a: 0n, b: 40n, c: 60n });
    expect(operations.map((o) => o.balanceAfter)).toEqual([0n, 100n, 40n, 60n]);
  });

  it('refuses a whole unit when its last posting fails, and restores what the earlier ones changed', () => {
    const state = accounts({ a: 100n, b: 0n, c: 0n });
    const unit = [
      transfer('1', 'a', 'b', 50n, { unit: 'g' }),
      transfer('2', 'b', 'c', 50n, { unit: 'g' }),
      transfer('3', 'a', 'c', 51n, { unit: 'g' }),
    ];
    const { decided, operations } = applyPostings(
      [transfer('0', 'a', 'b', 10n), ...unit, transfer('4', 'a', 'c', 5n)],
      state,
    );
    expect(decided).toEqual([
      { paymentId: '0', status: 'COMPLETED' },
      { paymentId: '1', status: 'FAILED', failureReason: 'GROUP_FAILED' },
      { paymentId: '2', status: 'FAILED', failureReason: 'GROUP_FAILED' },
      { paymentId: '3', status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' },
      { paymentId: '4', status: 'COMPLETED' },
    ]);
    expect(balancesOf(state)).toEqual({ a: 85n, b: 10n, c: 5n });
    expect(operations.map((o) => o.paymentId)).toEqual(['0', '0', '4', '4']);
  });

  it('refuses the rest of a unit after its failing posting without applying them', () => {
    const state = accounts({ a: 10n, b: 0n });
    const { decided } = applyPostings(
      [transfer('1', 'a', 'b', 20n, { unit: 'g' }), transfer('2', 'a', 'b', 5n, { unit: 'g' })],
      state,
    );
    expect(decided.map((d) => (d.status === 'FAILED' ? d.failureReason : d.status))).toEqual([
      'INSUFFICIENT_FUNDS',
      'GROUP_FAILED',
    ]);
    expect(balancesOf(state)).toEqual({ a: 10n, b: 0n });
  });

  it('fails a precondition that an earlier posting of the same batch made false', () => {
    const state = accounts({ a: 100n, b: 0n });
    const guarded = transfer('2', 'a', 'b', 10n, { conditions: [{ accountId: 'a', availableAtLeast: 50n }] });
    const capped = transfer('3', 'a', 'b', 1n, { conditions: [{ accountId: 'b', balanceAtMost: 60n }] });
    const { decided } = applyPostings([transfer('1', 'a', 'b', 60n), guarded, capped], state);
    expect(decided.map((d) => (d.status === 'FAILED' ? d.failureReason : d.status))).toEqual([
      'COMPLETED',
      'PRECONDITION_FAILED',
      'COMPLETED',
    ]);
    expect(balancesOf(state)).toEqual({ a: 39n, b: 61n });
  });

  it('counts holds against the available balance a condition asks for', () => {
    const state = accounts({ a: 100n, b: 0n });
    state.get('a')!.held = 30n;
    const { decided } = applyPostings(
      [transfer('1', 'a', 'b', 1n, { conditions: [{ accountId: 'a', availableAtLeast: 71n }] })],
      state,
    );
    expect(decided).toEqual([{ paymentId: '1', status: 'FAILED', failureReason: 'PRECONDITION_FAILED' }]);
  });
});
