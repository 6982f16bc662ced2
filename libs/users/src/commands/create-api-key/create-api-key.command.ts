import { Command } from '@nestjs/cqrs';
import type { CreatedApiKey } from '../../domain/api-key.view.js';

/** Issues an API key to the user; its secret is in the answer and nowhere else. */
export class CreateApiKey extends Command<CreatedApiKey> {
  constructor(
    readonly userId: string,
    readonly name: string,
    readonly readOnly: boolean,
  ) {
    super();
  }
}
