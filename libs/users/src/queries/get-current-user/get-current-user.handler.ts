import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFound } from '#platform';
import { User } from '../../domain/user.entity.js';
import { toUserView, type UserView } from '../../domain/user.view.js';
import { GetCurrentUser } from './get-current-user.query.js';

@QueryHandler(GetCurrentUser)
export class GetCurrentUserHandler implements IQueryHandler<GetCurrentUser> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ userId }: GetCurrentUser): Promise<UserView> {
    const user = await this.db.getRepository(User).findOneBy({ id: userId });
    if (!user) throw new NotFound('user');
    return toUserView(user);
  }
}
