import { Command } from '@nestjs/cqrs';

/** Revokes one of the user's own tokens (logout revokes the one in use). */
export class RevokeToken extends Command<void> {
  constructor(
    readonly userId: string,
    readonly tokenId: string,
  ) {
    super();
  }
}
