import { Command } from '@nestjs/cqrs';
import type { UserView } from '../../domain/user.view.js';

export class ConfirmEmail extends Command<UserView> {
  constructor(readonly token: string) {
    super();
  }
}
