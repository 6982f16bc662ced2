import { v7 as uuidv7 } from 'uuid';
import type { FailureReason, Leg, Posting, PostingOutcome } from './posting.js';
import { type LockedAccount, refusalOf } from './refusal.js';

export interface Operation extends Leg {
  id: string;
  paymentId: string;
  leg: number;
  balanceAfter: bigint;
}

export interface PlacedHold {
  paymentId: string;
  accountId: string;
  amount: bigint;
  ttlMs: number;
}

/** A hold a settling posting releases. */
export interface ReleasedHold {
  accountId: string;
  amount: bigint;
}

/** An AUTHORIZED outcome learns its expiry from the hold as written. */
export type Decided = Exclude<PostingOutcome, { status: 'AUTHORIZED' }> | { paymentId: string; status: 'AUTHORIZED' };

/** What a batch of postings does to the accounts given, decided in memory before anything is written. */
export interface AppliedBatch {
  operations: Operation[];
  placed: PlacedHold[];
  /** The accounts whose balance or held balance may have changed. */
  touched: Set<string>;
  decided: Decided[];
}

/**
 * Applies postings one after the other to `accounts` (mutated: each is checked against the
 * balances its predecessors left). Postings of one unit are all or none: the first refusal
 * restores what the unit's earlier postings changed and refuses the rest as GROUP_FAILED.
 * The ledger posts with this, and a forecast runs it on balances read without a lock.
 */
export function applyPostings(
  postings: Posting[],
  accounts: Map<string, LockedAccount>,
  released: ReadonlyMap<string, ReleasedHold> = new Map(),
): AppliedBatch {
  const batch: AppliedBatch = { operations: [], placed: [], touched: new Set(), decided: [] };
  for (let start = 0; start < postings.length;) {
    const unit = postings[start].unit;
    let end = start + 1;
    while (unit !== undefined && end < postings.length && postings[end].unit === unit) end++;
    if (unit === undefined) applyOne(postings[start], accounts, released, batch);
    else applyUnit(postings.slice(start, end), accounts, released, batch);
    start = end;
  }
  return batch;
}

function applyUnit(
  postings: Posting[],
  accounts: Map<string, LockedAccount>,
  released: ReadonlyMap<string, ReleasedHold>,
  batch: AppliedBatch,
): void {
  if (postings.some((p) => p.settles)) throw new Error('a settlement cannot be part of a unit');
  const before = new Map<string, { balance: bigint; held: bigint }>();
  const saving = new Map<string, LockedAccount>();
  for (const p of postings) {
    for (const { accountId } of [...p.legs, ...(p.hold ? [p.hold] : [])]) {
      const account = accounts.get(accountId);
      if (account && !before.has(accountId)) {
        before.set(accountId, { balance: account.balance, held: account.held });
        saving.set(accountId, account);
      }
    }
  }
  const marks = { operations: batch.operations.length, placed: batch.placed.length, decided: batch.decided.length };
  for (const posting of postings) {
    const failureReason = applyOne(posting, accounts, released, batch);
    if (!failureReason) continue;
    for (const [accountId, saved] of before) Object.assign(saving.get(accountId)!, saved);
    batch.operations.length = marks.operations;
    batch.placed.length = marks.placed;
    batch.decided.length = marks.decided;
    for (const p of postings) {
      const reason: FailureReason = p === posting ? failureReason : 'GROUP_FAILED';
      batch.decided.push({ paymentId: p.paymentId, status: 'FAILED', failureReason: reason });
    }
    return;
  }
}

/** Applies one posting, or refuses it and changes nothing but the release of the hold it settles. */
function applyOne(
  posting: Posting,
  accounts: Map<string, LockedAccount>,
  released: ReadonlyMap<string, ReleasedHold>,
  batch: AppliedBatch,
): FailureReason | null {
  const { paymentId } = posting;
  if (posting.settles) {
    const hold = released.get(paymentId);
    if (!hold) throw new Error(`payment ${paymentId} is settled without a live hold`);
    accounts.get(hold.accountId)!.held -= hold.amount;
    batch.touched.add(hold.accountId);
  }
  const failureReason = refusalOf(posting, accounts);
  if (failureReason) {
    batch.decided.push({ paymentId, status: 'FAILED', failureReason });
    return failureReason;
  }
  if (posting.hold) {
    accounts.get(posting.hold.accountId)!.held += posting.hold.amount;
    batch.touched.add(posting.hold.accountId);
    batch.placed.push({ paymentId, ...posting.hold });
  }
  posting.legs.forEach((leg, index) => {
    const account = accounts.get(leg.accountId)!;
    account.balance += leg.amount;
    batch.touched.add(leg.accountId);
    batch.operations.push({ id: uuidv7(), paymentId, leg: index, ...leg, balanceAfter: account.balance });
  });
  batch.decided.push({ paymentId, status: posting.hold ? 'AUTHORIZED' : (posting.settles ?? 'COMPLETED') });
  return null;
}
