import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PostPayments } from '../commands/post-payments/post-payments.command.js';

const MAX_BATCH = 256;

interface Waiting {
  paymentId: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Micro-batching: payments whose jobs arrive while a ledger transaction is running are posted
 * together in the next one. Under no load a payment is posted at once, on its own; under load
 * one transaction carries many, so technical accounts are locked once per batch, not per payment.
 */
@Injectable()
export class PostingBatcher {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly commands: CommandBus) {}

  /** Resolves once the payment's batch has committed (or the payment was already final). */
  post(paymentId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ paymentId, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          await this.commands.execute(new PostPayments(batch.map((w) => w.paymentId)));
          batch.forEach((w) => w.resolve());
        } catch (error) {
          batch.forEach((w) => w.reject(error));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
