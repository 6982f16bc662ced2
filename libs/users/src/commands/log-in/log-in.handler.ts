import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '#platform';
import { AccessTokens } from '../../auth/access-tokens.js';
import { AttemptLimiter } from '../../auth/attempt-limiter.js';
import { PasswordHasher } from '../../auth/password-hasher.js';
import { AccessToken } from '../../domain/access-token.entity.js';
import { User } from '../../domain/user.entity.js';
import { normaliseEmail } from '../../domain/user.view.js';
import { InvalidCredentials } from '../../domain/users.errors.js';
import { type IssuedToken, LogIn } from './log-in.command.js';

/** Every login issues a new, independent token; an unknown e-mail and a wrong password look the same. */
@CommandHandler(LogIn)
export class LogInHandler implements ICommandHandler<LogIn> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly limiter: AttemptLimiter,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokens,
    private readonly config: AppConfig,
  ) {}

  async execute({ email, password, tokenName, ip }: LogIn): Promise<IssuedToken> {
    const normalised = normaliseEmail(email);
    await this.limiter.attempt(ip, normalised);
    const user = await this.db.getRepository(User).findOneBy({ email: normalised });
    const valid = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !valid) throw new InvalidCredentials();
    const expiresAt = new Date(Date.now() + this.config.tokenTtlMs);
    const token = await this.db
      .getRepository(AccessToken)
      .save({ userId: user.id, name: tokenName?.trim() || null, expiresAt, lastUsedAt: null, revokedAt: null });
    return {
      accessToken: this.tokens.sign(user.id, token.id, expiresAt),
      tokenId: token.id,
      expiresAt: token.expiresAt.toISOString(),
    };
  }
}
