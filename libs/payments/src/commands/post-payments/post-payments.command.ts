import { Command } from '@nestjs/cqrs';

export interface PostingSummary {
  completed: number;
  failed: number;
  /** Already final before this run: posted by another job, worker or sweep. */
  skipped: number;
  /** Still INITIATED: posting them threw (logged). A retry of their job, or the next sweep, posts them. */
  unfinished: string[];
}

/** The worker's step: post these payments (those still INITIATED) through the ledger. */
export class PostPayments extends Command<PostingSummary> {
  constructor(readonly paymentIds: string[]) {
    super();
  }
}
