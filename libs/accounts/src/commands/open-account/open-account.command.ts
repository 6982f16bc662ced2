import { Command } from '@nestjs/cqrs';
import type { Metadata } from '#platform';
import type { AccountView } from '../../domain/account.js';

export class OpenAccount extends Command<AccountView> {
  constructor(
    readonly userId: string,
    readonly currency: string,
    readonly name: string | undefined,
    readonly metadata?: Metadata | null,
  ) {
    super();
  }
}
