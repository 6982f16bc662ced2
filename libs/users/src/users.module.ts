import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '#platform';
import { AccessTokenStrategy } from './auth/access-token.strategy.js';
import { AccessTokens } from './auth/access-tokens.js';
import { AttemptLimiter } from './auth/attempt-limiter.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { AdminBootstrap } from './bootstrap/admin-bootstrap.js';
import { ConfirmEmailHandler } from './commands/confirm-email/confirm-email.handler.js';
import { LogInHandler } from './commands/log-in/log-in.handler.js';
import { RegisterUserHandler } from './commands/register-user/register-user.handler.js';
import { ResendConfirmationHandler } from './commands/resend-confirmation/resend-confirmation.handler.js';
import { RevokeTokenHandler } from './commands/revoke-token/revoke-token.handler.js';
import { AccessToken } from './domain/access-token.entity.js';
import { EmailConfirmation } from './domain/email-confirmation.entity.js';
import { User } from './domain/user.entity.js';
import { ConfirmationMail } from './mail/confirmation-mail.js';
import { LogMailer, Mailer, SmtpMailer } from './mail/mailer.js';
import { GetCurrentUserHandler } from './queries/get-current-user/get-current-user.handler.js';
import { ListTokensHandler } from './queries/list-tokens/list-tokens.handler.js';

/** Users, e-mail confirmation, logins and their tokens; the access-token strategy the global guard uses. */
@Module({
  imports: [CqrsModule, PassportModule, TypeOrmModule.forFeature([User, AccessToken, EmailConfirmation])],
  providers: [
    { provide: Mailer, inject: [AppConfig], useFactory: (config: AppConfig) => (config.smtpUrl ? new SmtpMailer(config.smtpUrl) : new LogMailer()) },
    AccessTokens,
    AccessTokenStrategy,
    AttemptLimiter,
    PasswordHasher,
    ConfirmationMail,
    AdminBootstrap,
    RegisterUserHandler,
    ConfirmEmailHandler,
    ResendConfirmationHandler,
    LogInHandler,
    RevokeTokenHandler,
    GetCurrentUserHandler,
    ListTokensHandler,
  ],
  exports: [AccessTokens, Mailer],
})
export class UsersModule {}
