import { createHash } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { TechnicalAccounts } from '#accounts';
import { FxQuotes } from '#fx';
import {
  AppConfig,
  Coalescer,
  Currencies,
  DomainError,
  KeyFailed,
  type AuthUser,
  isUniqueViolation,
  isUuid,
  NotFound,
} from '#platform';
import { DataSource, type EntityManager } from 'typeorm';
import { commissionFor } from '../../domain/commission.js';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { legsOf } from '../../domain/legs.js';
import { type PaymentRow, toPaymentView, type PaymentView } from '../../domain/payment.js';
import {
  CaptureExceedsAuthorized,
  EmailNotConfirmed,
  IdempotencyKeyInUse,
  IdempotencyKeyReused,
  PaymentNotAuthorized,
} from '../../domain/payments.errors.js';
import { PaymentAnnouncements } from '../../processing/payment-announcements.js';
import { PostingBacklog } from '../../processing/posting-backlog.js';
import { AuthorizedPayments } from '../../settlement/authorized-payments.js';
import { type MovedOn, PaymentPostings } from '../../settlement/payment-postings.js';
import { CapturePayment } from './capture-payment.command.js';

interface CaptureRequest {
  user: AuthUser;
  paymentId: string;
  amount: string | undefined;
  idempotencyKey: string | undefined;
}

/** What one request of a batch came to, decided in its transaction. */
type Decision =
  | { captured: PaymentRow; outcome?: MovedOn }
  /** A repeat of a capture committed earlier: the payment as it stands. */
  | { asItStands: PaymentRow }
  /** A repeat of a capture earlier in the same batch. */
  | { repeatOf: number }
  | KeyFailed;

const SET_CAPTURED_TERMS = `UPDATE payments p SET amount = v.amount, commission = v.commission, target_amount = v.target_amount
                              FROM unnest($1::uuid[], $2::int8[], $3::int8[], $4::int8[]) AS v(id, amount, commission, target_amount)
                             WHERE p.id = v.id`;
const REMEMBER_KEYS = `INSERT INTO capture_requests (user_id, idempotency_key, payment_id, request_hash)
                       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[])`;

const keyOf = (userId: string, idempotencyKey: string) => `${userId}\n${idempotencyKey}`;

/**
 * Captures synchronously, micro-batched: the captures that arrive while one is being committed
 * share the next ledger transaction, as the worker's postings do, so the `fees` and `fx` accounts
 * every capture credits are locked once per batch rather than once per capture. In it: the
 * payments locked, each request checked on its own (a refusal is that request's alone), the
 * captured terms set (commission recomputed on what is captured, the target at the payment's own
 * rate), each Idempotency-Key stored, then the ledger releases the holds and posts the legs.
 */
@CommandHandler(CapturePayment)
export class CapturePaymentHandler implements ICommandHandler<CapturePayment> {
  private readonly captures = new Coalescer<CaptureRequest, PaymentView>((requests) => this.captureAll(requests));

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly postings: PaymentPostings,
    private readonly payments: AuthorizedPayments,
    private readonly announcements: PaymentAnnouncements,
    private readonly technical: TechnicalAccounts,
    private readonly currencies: Currencies,
    private readonly fx: FxQuotes,
    private readonly config: AppConfig,
    private readonly backlog: PostingBacklog,
  ) {}

  async execute({ user, paymentId, amount, idempotencyKeys }: CapturePayment): Promise<PaymentView> {
    const idempotencyKey = parseIdempotencyKey(idempotencyKeys);
    if (!isUuid(paymentId)) throw new NotFound('payment');
    // A capture writes the ledger in the api, competing with the postings that are behind.
    this.backlog.assertAccepting();
    return this.captures.run({ user, paymentId: paymentId.toLowerCase(), amount, idempotencyKey });
  }

  /** The batch in one transaction; should that fail as a whole, each request alone, so that one cannot fail the others. */
  private async captureAll(requests: CaptureRequest[]): Promise<Array<PaymentView | KeyFailed>> {
    try {
      return this.answers(await this.db.transaction((tx) => this.decide(tx, requests)));
    } catch (error) {
      if (requests.length > 1)
        return Promise.all(
          requests.map((r) =>
            this.captureAll([r]).then(
              ([answer]) => answer,
              (failure: unknown) => new KeyFailed(failure),
            ),
          ),
        );
      // The same key used at once for another payment: its capture is still committing.
      if (isUniqueViolation(error)) throw new IdempotencyKeyInUse();
      throw error;
    }
  }

  private async decide(tx: EntityManager, requests: CaptureRequest[]): Promise<Decision[]> {
    const locked = await this.payments.lock(
      tx,
      requests.map((r) => r.paymentId),
    );
    const earlier = await this.earlierCaptures(tx, requests);
    const capturing = new Map<string, number>();
    const keysInBatch = new Map<string, { requestHash: string; index: number }>();
    const newKeys: Array<{ userId: string; key: string; paymentId: string; requestHash: string }> = [];
    const decisions = requests.map((request, index): Decision => {
      try {
        const found = locked.get(request.paymentId);
        this.payments.assertMaySettle(request.user, found);
        // Moving money takes a confirmed address on either side: a capture as a refund (a void moves none).
        if (!request.user.confirmed) throw new EmailNotConfirmed();
        const requested =
          request.amount === undefined ? null : this.currencies.parse(request.amount, found.row.currency);
        const requestHash = createHash('sha256')
          .update(JSON.stringify([found.row.id, requested?.toString() ?? null]))
          .digest('hex');
        const key = request.idempotencyKey === undefined ? undefined : keyOf(request.user.id, request.idempotencyKey);
        const before: { requestHash: string; index?: number } | undefined =
          key === undefined ? undefined : (earlier.get(key) ?? keysInBatch.get(key));
        if (before) {
          if (before.requestHash !== requestHash) throw new IdempotencyKeyReused();
          return before.index === undefined ? { asItStands: found.row } : { repeatOf: before.index };
        }
        if (capturing.has(found.row.id)) throw new PaymentNotAuthorized('COMPLETED'); // by the capture before it in this batch
        this.payments.assertLiveHold(found);
        const captured = this.terms(found.row, requested);
        capturing.set(found.row.id, index);
        if (key !== undefined) {
          keysInBatch.set(key, { requestHash, index });
          newKeys.push({ userId: request.user.id, key: request.idempotencyKey!, paymentId: found.row.id, requestHash });
        }
        return { captured };
      } catch (error) {
        if (error instanceof DomainError) return new KeyFailed(error);
        throw error;
      }
    });

    const captured = decisions.flatMap((d) => ('captured' in d ? [d.captured] : []));
    if (!captured.length) return decisions;
    await tx.query(SET_CAPTURED_TERMS, [
      captured.map((r) => r.id),
      captured.map((r) => r.amount),
      captured.map((r) => r.commission),
      captured.map((r) => r.target_amount),
    ]);
    if (newKeys.length)
      await tx.query(REMEMBER_KEYS, [
        newKeys.map((k) => k.userId),
        newKeys.map((k) => k.key),
        newKeys.map((k) => k.paymentId),
        newKeys.map((k) => k.requestHash),
      ]);
    const postings = captured.map((row) => ({
      paymentId: row.id,
      legs: legsOf(row, this.technical),
      settles: 'COMPLETED' as const,
    }));
    const outcomes = new Map((await this.postings.postLocked(tx, postings)).map((o) => [o.paymentId, o]));
    for (const decision of decisions) {
      if ('captured' in decision) decision.outcome = outcomes.get(decision.captured.id)!;
    }
    return decisions;
  }

  /** After commit: each capture announced once, a repeat answered as its original. */
  private answers(decisions: Decision[]): Array<PaymentView | KeyFailed> {
    const answers: Array<PaymentView | KeyFailed> = [];
    for (const decision of decisions) {
      if (decision instanceof KeyFailed) answers.push(decision);
      else if ('repeatOf' in decision) answers.push(answers[decision.repeatOf]);
      else if ('asItStands' in decision) answers.push(toPaymentView(decision.asItStands, this.currencies));
      else answers.push(this.announcements.announce(decision.captured, decision.outcome!));
    }
    return answers;
  }

  /** The captures some of `requests` repeat, by their user's Idempotency-Key. */
  private async earlierCaptures(
    tx: EntityManager,
    requests: CaptureRequest[],
  ): Promise<Map<string, { requestHash: string }>> {
    const keyed = requests.filter((r) => r.idempotencyKey !== undefined);
    if (!keyed.length) return new Map();
    const rows = await tx.query<Array<{ user_id: string; idempotency_key: string; request_hash: string }>>(
      `SELECT c.user_id, c.idempotency_key, c.request_hash FROM capture_requests c
         JOIN unnest($1::uuid[], $2::text[]) AS k(user_id, idempotency_key) USING (user_id, idempotency_key)`,
      [keyed.map((r) => r.user.id), keyed.map((r) => r.idempotencyKey)],
    );
    return new Map(rows.map((r) => [keyOf(r.user_id, r.idempotency_key), { requestHash: r.request_hash }]));
  }

  /** What a capture of `requested` (all of the hold when null) moves: the payment's terms for that amount. */
  private terms(row: PaymentRow, requested: bigint | null): PaymentRow {
    const authorized = BigInt(row.authorized_amount!);
    const amount = requested ?? authorized;
    if (amount > authorized) throw new CaptureExceedsAuthorized(this.currencies.format(authorized, row.currency));
    const targetAmount =
      row.rate === null ? amount : this.fx.convertAt(row.currency, row.target_currency, amount, row.rate);
    return {
      ...row,
      amount: amount.toString(),
      commission: commissionFor(this.config.commissionSchedule[row.type], amount).toString(),
      target_amount: targetAmount.toString(),
    };
  }
}
