import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AppConfig,
  canonicalMetadata,
  Coalescer,
  Currencies,
  KeyFailed,
  type Metadata,
  PreparedStatement,
} from '#platform';
import { v7 as uuidv7 } from 'uuid';
import { DataSource, type EntityManager } from 'typeorm';
import { commissionFor } from '../domain/commission.js';
import { PaymentInitiated } from '../domain/payment-events.js';
import {
  type CaptureMethod,
  FIND_GROUP_PAYMENTS,
  PAYMENT_COLUMNS,
  partiesOf,
  type PaymentRow,
  type PaymentType,
  toPaymentView,
  type PaymentView,
} from '../domain/payment.js';
import { type PaymentConditions, storedConditions } from '../domain/conditions.js';
import { GROUP_COLUMNS, type PaymentGroupRow } from '../domain/payment-group.js';
import {
  ExternalRefReused,
  GroupItemRefused,
  IdempotencyKeyInUse,
  IdempotencyKeyReused,
} from '../domain/payments.errors.js';
import { PaymentMetrics } from '../processing/payment-metrics.js';
import { PaymentQueue } from '../processing/payment-queue.js';
import { PostingBacklog } from '../processing/posting-backlog.js';

/** Under load, payments are stored (and enqueued) together at most this often: fewer commits and jobs. */
const MIN_MS_BETWEEN_INSERTS = 8;

const INSERT_GROUP = new PreparedStatement(
  `INSERT INTO payment_groups AS g
     (id, initiator_id, atomic, item_count, description, metadata, idempotency_key, request_hash)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
   ON CONFLICT DO NOTHING
   RETURNING ${GROUP_COLUMNS}`,
);

/** One row per payment; a row that meets a unique key is skipped (see insertAll). */
const INSERT_PAYMENTS = new PreparedStatement(
  `INSERT INTO payments AS p (id, type, initiator_id, payer_user_id, payee_user_id, from_account_id, to_account_id, amount, currency,
                              commission, target_amount, target_currency, rate, description, destination, external_ref, idempotency_key, request_hash,
                              capture, parent_payment_id, metadata, group_id, item_index, conditions)
   SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::int8[], $9::text[],
                        $10::int8[], $11::int8[], $12::text[], $13::numeric[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
                        $19::text[], $20::uuid[], $21::jsonb[], $22::uuid[], $23::int2[], $24::jsonb[])
   ON CONFLICT DO NOTHING
   RETURNING ${PAYMENT_COLUMNS}`,
);

/** A payment as validated by its command; the intake fixes its commission and target amount. */
export interface PaymentDraft {
  type: PaymentType;
  initiatorId: string;
  payerUserId: string | null;
  payeeUserId: string | null;
  fromAccountId: string;
  toAccountId: string;
  amount: bigint;
  currency: string;
  /** The quote, when the payee's account is in another currency (no rate: a refund converting back). */
  conversion?: { targetCurrency: string; targetAmount: bigint; rate: string | null };
  description?: string | null;
  destination?: string | null;
  externalRef?: string | null;
  /** Automatic unless the payer asked for a hold to capture later. */
  capture?: CaptureMethod;
  /** The payment a refund gives back. */
  parentPaymentId?: string;
  metadata?: Metadata | null;
  /** A group item's preconditions (minor units), checked when it is posted. */
  conditions?: PaymentConditions;
}

/** Many payments to accept together, posted all or none when atomic. */
export interface GroupDraft {
  initiatorId: string;
  atomic: boolean;
  description: string | null;
  metadata?: Metadata | null;
  items: PaymentDraft[];
}

export interface GroupAcceptance {
  group: PaymentGroupRow;
  /** In item order. */
  payments: PaymentView[];
  /** False when an earlier request with the same key is answered again. */
  created: boolean;
}

/**
 * A payment decided under locks that are held until it is stored, so that concurrent requests
 * decide one after the other (a refund, and what is left of its parent to refund).
 */
export interface LockedRequest {
  initiatorId: string;
  /** Compared when an Idempotency-Key is repeated: the validated request, amounts as minor units. */
  identity: readonly unknown[];
  /** First in the transaction that stores the payment: takes the locks its draft depends on. */
  lock(tx: EntityManager): Promise<void>;
  /** The payment to store, decided under those locks; not asked when the key names an earlier payment. */
  draft(tx: EntityManager): Promise<PaymentDraft>;
}

/**
 * What the intake fixes on a draft: its commission, and what the payee receives. Kept beside the
 * draft rather than merged into a copy of it: each `{ ...draft, … }` copy got a hidden class of its
 * own, which V8 allocates in the old generation, so they fed the api's full collections, which
 * stall requests (docs/performance.md, "Less garbage promoted in the api").
 */
export interface Terms {
  commission: bigint;
  targetAmount: bigint;
  targetCurrency: string;
  rate: string | null;
}

interface Insertion {
  id: string;
  draft: PaymentDraft;
  terms: Terms;
  idempotencyKey: string | undefined;
  requestHash: string;
  group?: { id: string; itemIndex: number };
}

/** The stored row, or nothing when a unique key met an earlier payment. */
type Inserted = PaymentRow | undefined;

export interface Acceptance {
  payment: PaymentView;
  /** False when an earlier request with the same key (or externalRef) is answered again. */
  created: boolean;
}

/**
 * Stores a validated payment INITIATED, once, unless posting is too far behind to promise it soon
 * (SERVICE_OVERLOADED, and nothing stored): a unique index on (initiator, Idempotency-Key)
 * and on externalRef makes concurrent repeats meet in the database, and a repeat with the same
 * request answers the existing payment. Only after the row is committed is the job enqueued.
 */
@Injectable()
export class PaymentIntake {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
    private readonly queue: PaymentQueue,
    private readonly events: EventBus,
    private readonly metrics: PaymentMetrics,
    private readonly config: AppConfig,
    private readonly backlog: PostingBacklog,
  ) {}

  private readonly inserts = new Coalescer<Insertion, Inserted>((requests) => this.insertAll(requests), {
    minIntervalMs: MIN_MS_BETWEEN_INSERTS,
  });

  async accept(draft: PaymentDraft, idempotencyKey: string | undefined): Promise<Acceptance> {
    this.backlog.assertAccepting();
    const requestHash = hashRequest(identityOf(draft));
    const inserted = await this.inserts.run({
      id: uuidv7(),
      draft,
      terms: this.termsOf(draft),
      idempotencyKey,
      requestHash,
    });
    return this.answer(
      inserted ?? (await this.existing(this.db, draft, idempotencyKey, requestHash)),
      Boolean(inserted),
    );
  }

  /**
   * Stores a payment alone, in one transaction with the locks it was decided under. A request
   * with the Idempotency-Key of one that held the locks first is answered with that payment.
   */
  async acceptLocked(request: LockedRequest, idempotencyKey: string | undefined): Promise<Acceptance> {
    this.backlog.assertAccepting();
    const requestHash = hashRequest(request.identity);
    const { row, created } = await this.db.transaction(async (tx) => {
      await request.lock(tx);
      const earlier =
        idempotencyKey === undefined
          ? undefined
          : await this.byKey(tx, request.initiatorId, idempotencyKey, requestHash);
      if (earlier) return { row: earlier, created: false };
      const draft = await request.draft(tx);
      const [inserted] = await this.insertTogether(
        [{ id: uuidv7(), draft, terms: this.termsOf(draft), idempotencyKey, requestHash }],
        tx,
      );
      return inserted
        ? { row: inserted, created: true }
        : { row: await this.existing(tx, draft, idempotencyKey, requestHash), created: false };
    });
    if (created) await this.queue.enqueue([row.id]);
    return this.answer(row, created);
  }

  /**
   * Stores a group and its payments in one transaction, INITIATED, or nothing: an item whose
   * externalRef is taken refuses the whole group. A repeat of the Idempotency-Key with the same
   * request answers the stored group. One job carries the group: its worker posts all of it.
   */
  async acceptGroup(group: GroupDraft, idempotencyKey: string | undefined): Promise<GroupAcceptance> {
    this.backlog.assertAccepting();
    const requestHash = hashRequest(groupIdentityOf(group));
    const groupId = uuidv7();
    const stored = await this.db.transaction(async (tx) => {
      const [inserted] = await INSERT_GROUP.run<PaymentGroupRow[]>(tx, [
        groupId,
        group.initiatorId,
        group.atomic,
        group.items.length,
        group.description,
        canonicalMetadata(group.metadata),
        idempotencyKey ?? null,
        requestHash,
      ]);
      if (!inserted) return this.existingGroup(tx, group.initiatorId, idempotencyKey!, requestHash);
      const rows = await this.insertTogether(
        group.items.map((draft, itemIndex) => ({
          id: uuidv7(),
          draft,
          terms: this.termsOf(draft),
          idempotencyKey: undefined,
          requestHash: hashRequest(identityOf(draft)),
          group: { id: groupId, itemIndex },
        })),
        tx,
      );
      const taken = rows.findIndex((row) => !row);
      if (taken >= 0) throw new GroupItemRefused(taken, new ExternalRefReused());
      return { group: inserted, payments: rows as PaymentRow[], created: true };
    });
    // A repeat of a group whose job was lost (Redis was down) puts it back on the queue, as for a payment.
    if (stored.group.status === 'INITIATED') await this.queue.enqueue([stored.payments[0].id]);
    const payments: PaymentView[] = [];
    for (const row of stored.payments) {
      payments.push(stored.created ? (await this.answer(row, true)).payment : toPaymentView(row, this.currencies));
    }
    return { group: stored.group, payments, created: stored.created };
  }

  private async existingGroup(
    tx: EntityManager,
    initiatorId: string,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<{ group: PaymentGroupRow; payments: PaymentRow[]; created: false }> {
    const [group] = await tx.query<PaymentGroupRow[]>(
      `SELECT ${GROUP_COLUMNS} FROM payment_groups g WHERE g.initiator_id = $1 AND g.idempotency_key = $2`,
      [initiatorId, idempotencyKey],
    );
    // The conflicting insert was rolled back between ours and this read.
    if (!group) throw new IdempotencyKeyInUse();
    if (group.request_hash !== requestHash) throw new IdempotencyKeyReused();
    const payments = await FIND_GROUP_PAYMENTS.run<PaymentRow[]>(tx, [[group.id]]);
    return { group, payments, created: false };
  }

  private async answer(row: PaymentRow, created: boolean): Promise<Acceptance> {
    const payment = toPaymentView(row, this.currencies);
    if (created) {
      this.metrics.accepted(row.type);
      this.events.publish(new PaymentInitiated(payment, partiesOf(row)));
    } else if (row.status === 'INITIATED') {
      // A repeat of a payment whose job was lost (Redis was down) puts it back on the queue.
      await this.queue.enqueue([row.id]);
    }
    return { payment, created };
  }

  /** Commission by the payment type's rule, on the amount; the payee gets the amount unless converted. */
  termsOf({ type, amount, currency, conversion }: PaymentDraft): Terms {
    return {
      commission: commissionFor(this.config.commissionSchedule[type], amount),
      targetAmount: conversion?.targetAmount ?? amount,
      targetCurrency: conversion?.targetCurrency ?? currency,
      rate: conversion?.rate ?? null,
    };
  }

  /**
   * One INSERT for the payments of concurrent requests, then one job for those it stored. A row
   * that meets a unique key (its Idempotency-Key or externalRef, also a twin in the same batch)
   * is skipped, not returned. The INSERT stays one statement of its own: the sweeper counts on a
   * payment committing within STATEMENT_TIMEOUT_MS of its `created_at`.
   */
  private async insertAll(requests: Insertion[]): Promise<Array<Inserted | KeyFailed>> {
    const rows: Array<Inserted | KeyFailed> = await this.insertTogether(requests).catch((error: unknown) => {
      // One request's failure must not become its neighbours': alone, each meets its own fate.
      if (requests.length === 1) throw error;
      return Promise.all(
        requests.map((r) =>
          this.insertTogether([r]).then(
            ([row]) => row,
            (failure: unknown) => new KeyFailed(failure),
          ),
        ),
      );
    });
    await this.queue.enqueue(rows.flatMap((row) => (row && !(row instanceof KeyFailed) ? [row.id] : [])));
    return rows;
  }

  private async insertTogether(
    requests: Insertion[],
    db: DataSource | EntityManager = this.db,
  ): Promise<Array<PaymentRow | undefined>> {
    const column = <T>(value: (r: Insertion) => T) => requests.map(value);
    const rows = await INSERT_PAYMENTS.run<PaymentRow[]>(db, [
      column((r) => r.id),
      column((r) => r.draft.type),
      column((r) => r.draft.initiatorId),
      column((r) => r.draft.payerUserId),
      column((r) => r.draft.payeeUserId),
      column((r) => r.draft.fromAccountId),
      column((r) => r.draft.toAccountId),
      column((r) => r.draft.amount.toString()),
      column((r) => r.draft.currency),
      column((r) => r.terms.commission.toString()),
      column((r) => r.terms.targetAmount.toString()),
      column((r) => r.terms.targetCurrency),
      column((r) => r.terms.rate),
      column((r) => r.draft.description ?? null),
      column((r) => r.draft.destination ?? null),
      column((r) => r.draft.externalRef ?? null),
      column((r) => r.idempotencyKey ?? null),
      column((r) => r.requestHash),
      column((r) => r.draft.capture ?? 'automatic'),
      column((r) => r.draft.parentPaymentId ?? null),
      column((r) => canonicalMetadata(r.draft.metadata)),
      column((r) => r.group?.id ?? null),
      column((r) => r.group?.itemIndex ?? null),
      column((r) => storedConditions(r.draft.conditions)),
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return requests.map((r) => byId.get(r.id));
  }

  private async existing(
    db: DataSource | EntityManager,
    draft: PaymentDraft,
    idempotencyKey: string | undefined,
    requestHash: string,
  ): Promise<PaymentRow> {
    const byKey =
      idempotencyKey === undefined ? undefined : await this.byKey(db, draft.initiatorId, idempotencyKey, requestHash);
    if (byKey) return byKey;
    if (draft.externalRef) {
      const [byRef] = await db.query<PaymentRow[]>(
        `SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.external_ref = $1`,
        [draft.externalRef],
      );
      if (byRef) {
        if (byRef.request_hash !== requestHash) throw new ExternalRefReused();
        return byRef;
      }
    }
    // The conflicting insert was rolled back between our insert and this read.
    throw new IdempotencyKeyInUse();
  }

  /** The initiator's earlier payment with this key, if the request is the same one. */
  private async byKey(
    db: DataSource | EntityManager,
    initiatorId: string,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<PaymentRow | undefined> {
    const [row] = await db.query<PaymentRow[]>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE p.initiator_id = $1 AND p.idempotency_key = $2`,
      [initiatorId, idempotencyKey],
    );
    if (row && row.request_hash !== requestHash) throw new IdempotencyKeyReused();
    return row;
  }
}

/** A group's request: its own fields, and each item's as a payment of its own, conditions included. */
function groupIdentityOf(group: GroupDraft): unknown[] {
  return [
    group.atomic,
    group.description,
    ...metadataIdentity(group.metadata),
    group.items.map((draft) => [...identityOf(draft), storedConditions(draft.conditions)]),
  ];
}

/** What makes two requests "the same": the validated request, amounts as minor units. */
function identityOf(draft: PaymentDraft): unknown[] {
  return [
    draft.type,
    draft.fromAccountId,
    draft.toAccountId,
    draft.amount.toString(),
    draft.description ?? null,
    draft.destination ?? null,
    draft.externalRef ?? null,
    // Only when manual: the hashes stored before holds existed still match their repeats.
    ...(draft.capture === 'manual' ? ['manual'] : []),
    ...metadataIdentity(draft.metadata),
  ];
}

/** Only when there is some: the hashes stored before metadata existed still match their repeats. */
export function metadataIdentity(metadata: Metadata | null | undefined): unknown[] {
  const canonical = canonicalMetadata(metadata);
  return canonical === null ? [] : [{ metadata: canonical }];
}

function hashRequest(identity: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}
