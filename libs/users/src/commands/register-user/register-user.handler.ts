import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUniqueViolation } from '#platform';
import { DataSource } from 'typeorm';
import { AttemptLimiter } from '../../auth/attempt-limiter.js';
import { PasswordHasher } from '../../auth/password-hasher.js';
import { User } from '../../domain/user.entity.js';
import { normaliseEmail, toUserView, type UserView } from '../../domain/user.view.js';
import { EmailTaken } from '../../domain/users.errors.js';
import { ConfirmationMail } from '../../mail/confirmation-mail.js';
import { RegisterUser } from './register-user.command.js';

@CommandHandler(RegisterUser)
export class RegisterUserHandler implements ICommandHandler<RegisterUser> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly limiter: AttemptLimiter,
    private readonly hasher: PasswordHasher,
    private readonly confirmationMail: ConfirmationMail,
  ) {}

  async execute({ email, password, name, ip }: RegisterUser): Promise<UserView> {
    const normalised = normaliseEmail(email);
    await this.limiter.attempt(ip, normalised);
    const passwordHash = await this.hasher.hash(password);
    const { user, token } = await this.db.transaction(async (tx) => {
      const users = tx.getRepository(User);
      const created = await users
        .save(
          users.create({ email: normalised, passwordHash, name: name?.trim() || null, role: 'USER', confirmed: false }),
        )
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? new EmailTaken() : error;
        });
      return { user: created, token: await this.confirmationMail.issue(tx, created.id) };
    });
    await this.confirmationMail.send(user.email, token);
    return toUserView(user);
  }
}
