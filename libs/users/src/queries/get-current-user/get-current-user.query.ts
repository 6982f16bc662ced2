import { Query } from '@nestjs/cqrs';
import type { UserView } from '../../domain/user.view.js';

export class GetCurrentUser extends Query<UserView> {
  constructor(readonly userId: string) {
    super();
  }
}
