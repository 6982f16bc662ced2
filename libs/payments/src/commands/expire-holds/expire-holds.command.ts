import { Command } from '@nestjs/cqrs';

/** Releases every hold past its expiry: its payment ends EXPIRED. Answers how many. */
export class ExpireHolds extends Command<number> {}
