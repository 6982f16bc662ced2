import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Coalescer } from '#platform';
import { PostPayments } from '../commands/post-payments/post-payments.command.js';

/**
 * Payments whose jobs arrive while a ledger transaction is running are posted together in the
 * next one. Under no load a payment is posted at once, on its own; under load one transaction
 * carries many, so technical accounts are locked once per batch, not per payment.
 */
@Injectable()
export class PostingBatcher {
  private readonly batches: Coalescer<string, void>;

  constructor(commands: CommandBus) {
    this.batches = new Coalescer<string, void>(async (paymentIds) => {
      await commands.execute(new PostPayments(paymentIds));
      return paymentIds.map(() => undefined);
    });
  }

  /** Resolves once the payments' batches have committed (or the payments were already final). */
  async post(paymentIds: string[]): Promise<void> {
    await Promise.all(paymentIds.map((id) => this.batches.run(id)));
  }
}
