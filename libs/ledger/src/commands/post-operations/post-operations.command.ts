import { Command } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import type { Posting, PostingOutcome } from '../../domain/posting.js';

/**
 * The one writer of operations, balances and holds. Posts a batch of payments in one
 * transaction; each payment moves on from the status its posting acts on exactly once, however
 * often it is posted. `within`: the caller's transaction, which has locked no account yet (the
 * lock order is payments, then accounts); the caller then owns commit and retries.
 */
export class PostOperations extends Command<PostingOutcome[]> {
  constructor(
    readonly postings: Posting[],
    readonly within?: EntityManager,
  ) {
    super();
  }
}
