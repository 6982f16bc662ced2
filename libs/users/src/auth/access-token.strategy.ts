import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ACCESS_TOKEN_STRATEGY, type AuthUser } from '#platform';
import { AccessTokens, type AccessTokenClaims } from './access-tokens.js';
import { ApiKeys, isApiKey } from './api-keys.js';

const bearerOf = ExtractJwt.fromAuthHeaderAsBearerToken();
type Request = Parameters<Strategy['authenticate']>[0];

/** A bearer JWT goes through passport-jwt unchanged; a bearer API key is looked up by its hash instead. */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly keys: ApiKeys,
  ) {
    super({
      jwtFromRequest: bearerOf,
      // passport-jwt hands the key to jsonwebtoken, which takes a KeyObject; its types predate that.
      secretOrKey: tokens.signingKey as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  override authenticate(req: Request, options?: unknown): void {
    const bearer = bearerOf(req);
    if (!isApiKey(bearer)) return super.authenticate(req, options);
    this.keys.authenticate(bearer).then(
      (user) => (user ? this.success(user) : this.fail(401)),
      (error: unknown) => this.error(error as Error),
    );
  }

  validate(claims: AccessTokenClaims): Promise<AuthUser | false> {
    return this.tokens.resolve(claims);
  }
}
