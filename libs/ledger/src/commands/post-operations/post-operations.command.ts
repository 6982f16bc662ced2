import { Command } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import type { Posting, PostingOutcome } from '../../domain/posting.js';

/**
 * The one writer of operations, balances and holds: posts a batch, one posting a payment, in one
 * transaction and says what came of each. It writes no payment: the caller moves its own rows from
 * the outcomes. `within`: the caller's transaction, which has locked no account yet (the lock order
 * is the caller's rows, then accounts); the caller then owns commit and retries.
 */
export class PostOperations extends Command<PostingOutcome[]> {
  constructor(
    readonly postings: Posting[],
    readonly within?: EntityManager,
  ) {
    super();
  }
}
