import { Command } from '@nestjs/cqrs';
import type { UserView } from '../../domain/user.view.js';

export class RegisterUser extends Command<UserView> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly name: string | undefined,
    readonly ip: string,
  ) {
    super();
  }
}
