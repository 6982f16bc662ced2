import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AttemptLimiter } from '../../auth/attempt-limiter.js';
import { User } from '../../domain/user.entity.js';
import { ConfirmationMail } from '../../mail/confirmation-mail.js';
import { ResendConfirmation } from './resend-confirmation.command.js';

/** A fresh link for an unconfirmed user (earlier links stop working); nothing for a confirmed one. */
@CommandHandler(ResendConfirmation)
export class ResendConfirmationHandler implements ICommandHandler<ResendConfirmation> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly limiter: AttemptLimiter,
    private readonly confirmationMail: ConfirmationMail,
  ) {}

  async execute({ userId, ip }: ResendConfirmation): Promise<void> {
    const user = await this.db.getRepository(User).findOneByOrFail({ id: userId });
    if (user.confirmed) return;
    await this.limiter.attempt(ip, user.email);
    const token = await this.db.transaction((tx) => this.confirmationMail.issue(tx, user.id));
    await this.confirmationMail.send(user.email, token);
  }
}
