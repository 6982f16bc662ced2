import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Coalescer } from '#platform';
import { PostPayments } from '../commands/post-payments/post-payments.command.js';

/**
 * Under load, transactions start at most this often: at half the maximum rate a transaction
 * otherwise carried ~8 payments, and every one costs PostgreSQL a commit and six statements and
 * Redis and the worker the same wake-ups. Completion waits for it; acceptance does not.
 */
const MIN_MS_BETWEEN_TRANSACTIONS = 50;

/**
 * Payments whose jobs arrive while a ledger transaction is running are posted together in the
 * next one. Under no load a payment is posted at once, on its own; under load one transaction
 * carries many, so technical accounts are locked once per batch, not per payment.
 */
@Injectable()
export class PostingBatcher {
  /** Per payment: whether it is final now. */
  private readonly batches: Coalescer<string, boolean>;

  constructor(commands: CommandBus) {
    this.batches = new Coalescer<string, boolean>(
      async (paymentIds) => {
        const unfinished = new Set((await commands.execute(new PostPayments(paymentIds))).unfinished);
        return paymentIds.map((id) => !unfinished.has(id));
      },
      { minIntervalMs: MIN_MS_BETWEEN_TRANSACTIONS },
    );
  }

  /**
   * Resolves once the payments' batches have committed (or the payments were already final);
   * rejects when one of them could not be posted, so that its job is retried.
   */
  async post(paymentIds: string[]): Promise<void> {
    const final = await Promise.all(paymentIds.map((id) => this.batches.run(id)));
    const unfinished = paymentIds.filter((_, i) => !final[i]);
    if (unfinished.length)
      throw new Error(`payment(s) ${unfinished.join(', ')} could not be posted (see the log); retrying`);
  }
}
