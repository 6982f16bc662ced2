import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { User } from '../../domain/user.entity.js';
import { toUserView, type UserView } from '../../domain/user.view.js';
import { InvalidConfirmationToken } from '../../domain/users.errors.js';
import { hashConfirmationToken } from '../../mail/confirmation-mail.js';
import { ConfirmEmail } from './confirm-email.command.js';

@CommandHandler(ConfirmEmail)
export class ConfirmEmailHandler implements ICommandHandler<ConfirmEmail> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  execute({ token }: ConfirmEmail): Promise<UserView> {
    // Marking the token used and confirming happen together; a token works once.
    return this.db.transaction(async (tx) => {
      const [rows] = await tx.query<[Array<{ user_id: string }>, number]>(
        `UPDATE email_confirmations SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id`,
        [hashConfirmationToken(token)],
      );
      if (!rows.length) throw new InvalidConfirmationToken();
      const users = tx.getRepository(User);
      await users.update({ id: rows[0].user_id }, { confirmed: true });
      return toUserView(await users.findOneByOrFail({ id: rows[0].user_id }));
    });
  }
}
