import { createHash } from 'node:crypto';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { TechnicalAccounts } from '#accounts';
import { FxQuotes } from '#fx';
import { PostOperations } from '#ledger';
import { AppConfig, Currencies } from '#platform';
import { DataSource, type EntityManager } from 'typeorm';
import { commissionFor } from '../../domain/commission.js';
import { parseIdempotencyKey } from '../../domain/idempotency-key.js';
import { legsOf } from '../../domain/legs.js';
import { type PaymentRow, toPaymentView, type PaymentView } from '../../domain/payment.js';
import { CaptureExceedsAuthorized, IdempotencyKeyReused } from '../../domain/payments.errors.js';
import { PaymentAnnouncements } from '../../processing/payment-announcements.js';
import { AuthorizedPayments } from '../../settlement/authorized-payments.js';
import { CapturePayment } from './capture-payment.command.js';

/**
 * A capture, synchronously, in one transaction: the payment locked, its terms set to what is
 * captured (commission recomputed on it, the target at the payment's own rate), then the ledger
 * releases the hold and posts the legs. A capture's Idempotency-Key is stored in the same
 * transaction, so a repeat finds it once the first has committed (it waits on the payment's lock).
 */
@CommandHandler(CapturePayment)
export class CapturePaymentHandler implements ICommandHandler<CapturePayment> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commands: CommandBus,
    private readonly payments: AuthorizedPayments,
    private readonly announcements: PaymentAnnouncements,
    private readonly technical: TechnicalAccounts,
    private readonly currencies: Currencies,
    private readonly fx: FxQuotes,
    private readonly config: AppConfig,
  ) {}

  async execute({ user, paymentId, amount, idempotencyKeys }: CapturePayment): Promise<PaymentView> {
    const idempotencyKey = parseIdempotencyKey(idempotencyKeys);
    const done = await this.db.transaction(async (tx) => {
      const locked = await this.payments.lockForSettling(tx, user, paymentId);
      const requested = amount === undefined ? null : this.currencies.parse(amount, locked.row.currency);
      const requestHash = createHash('sha256').update(JSON.stringify([locked.row.id, requested?.toString() ?? null])).digest('hex');
      if (idempotencyKey !== undefined && (await this.isRepeat(tx, user.id, idempotencyKey, requestHash))) return { row: locked.row, outcome: undefined };
      this.payments.assertLiveHold(locked);

      const captured = this.terms(locked.row, requested);
      await tx.query(`UPDATE payments SET amount = $2, commission = $3, target_amount = $4 WHERE id = $1`, [
        captured.id,
        captured.amount,
        captured.commission,
        captured.target_amount,
      ]);
      if (idempotencyKey !== undefined) {
        await tx.query(`INSERT INTO capture_requests (user_id, idempotency_key, payment_id, request_hash) VALUES ($1, $2, $3, $4)`, [
          user.id,
          idempotencyKey,
          captured.id,
          requestHash,
        ]);
      }
      const [outcome] = await this.commands.execute(new PostOperations([{ paymentId: captured.id, legs: legsOf(captured, this.technical), settles: 'COMPLETED' }], tx));
      return { row: captured, outcome };
    });
    if (!done.outcome) return toPaymentView(done.row, this.currencies);
    if (done.outcome.status === 'SKIPPED') throw new Error(`payment ${done.row.id} was locked AUTHORIZED, yet its capture was skipped`);
    return this.announcements.announce(done.row, done.outcome);
  }

  /** What a capture of `requested` (all of the hold when null) moves: the payment's terms for that amount. */
  private terms(row: PaymentRow, requested: bigint | null): PaymentRow {
    const authorized = BigInt(row.authorized_amount!);
    const amount = requested ?? authorized;
    if (amount > authorized) throw new CaptureExceedsAuthorized(this.currencies.format(authorized, row.currency));
    const targetAmount = row.rate === null ? amount : this.fx.convertAt(row.currency, row.target_currency, amount, row.rate);
    return {
      ...row,
      amount: amount.toString(),
      commission: commissionFor(this.config.commissionSchedule[row.type], amount).toString(),
      target_amount: targetAmount.toString(),
    };
  }

  private async isRepeat(tx: EntityManager, userId: string, key: string, requestHash: string): Promise<boolean> {
    const [earlier] = (await tx.query(`SELECT request_hash FROM capture_requests WHERE user_id = $1 AND idempotency_key = $2`, [userId, key])) as Array<{
      request_hash: string;
    }>;
    if (!earlier) return false;
    if (earlier.request_hash !== requestHash) throw new IdempotencyKeyReused();
    return true;
  }
}
