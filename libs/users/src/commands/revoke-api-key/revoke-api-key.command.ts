import { Command } from '@nestjs/cqrs';

/** Revokes one of the user's own API keys: it answers 401 from the next request on, on every instance. */
export class RevokeApiKey extends Command<void> {
  constructor(
    readonly userId: string,
    readonly keyId: string,
  ) {
    super();
  }
}
