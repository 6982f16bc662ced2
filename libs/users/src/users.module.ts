import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '#platform';
import { AccessTokenStrategy } from './auth/access-token.strategy.js';
import { AccessTokens } from './auth/access-tokens.js';
import { ApiKeys } from './auth/api-keys.js';
import { AttemptLimiter } from './auth/attempt-limiter.js';
import { Credentials } from './auth/credentials.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { AdminBootstrap } from './bootstrap/admin-bootstrap.js';
import { CreateApiKeyHandler } from './commands/create-api-key/create-api-key.handler.js';
import { ConfirmEmailHandler } from './commands/confirm-email/confirm-email.handler.js';
import { LogInHandler } from './commands/log-in/log-in.handler.js';
import { RegisterUserHandler } from './commands/register-user/register-user.handler.js';
import { ResendConfirmationHandler } from './commands/resend-confirmation/resend-confirmation.handler.js';
import { RevokeApiKeyHandler } from './commands/revoke-api-key/revoke-api-key.handler.js';
import { RevokeTokenHandler } from './commands/revoke-token/revoke-token.handler.js';
import { AccessToken } from './domain/access-token.entity.js';
import { EmailConfirmation } from './domain/email-confirmation.entity.js';
import { User } from './domain/user.entity.js';
import { ConfirmationMail } from './mail/confirmation-mail.js';
import { LogMailer, Mailer, SmtpMailer } from './mail/mailer.js';
import { GetCurrentUserHandler } from './queries/get-current-user/get-current-user.handler.js';
import { ListApiKeysHandler } from './queries/list-api-keys/list-api-keys.handler.js';
import { ListTokensHandler } from './queries/list-tokens/list-tokens.handler.js';

/** Users, e-mail confirmation, logins and their tokens, API keys; the bearer strategy the global guard uses. */
@Module({
  imports: [CqrsModule, PassportModule, TypeOrmModule.forFeature([User, AccessToken, EmailConfirmation])],
  providers: [
    {
      provide: Mailer,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => (config.smtpUrl ? new SmtpMailer(config.smtpUrl) : new LogMailer()),
    },
    AccessTokens,
    ApiKeys,
    Credentials,
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
    CreateApiKeyHandler,
    RevokeApiKeyHandler,
    ListApiKeysHandler,
  ],
  exports: [Credentials, Mailer],
})
export class UsersModule {}
