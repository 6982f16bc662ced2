import { Command } from '@nestjs/cqrs';

export class ResendConfirmation extends Command<void> {
  constructor(
    readonly userId: string,
    readonly ip: string,
  ) {
    super();
  }
}
