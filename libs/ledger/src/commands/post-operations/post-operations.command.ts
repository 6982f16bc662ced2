import { Command } from '@nestjs/cqrs';
import type { Posting, PostingOutcome } from '../../domain/posting.js';

/**
 * The one writer of operations and balances. Posts a batch of payments in one transaction;
 * each payment ends COMPLETED or FAILED exactly once, however often it is posted.
 */
export class PostOperations extends Command<PostingOutcome[]> {
  constructor(readonly postings: Posting[]) {
    super();
  }
}
