import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Forbidden, Unauthorized } from '../errors/common.errors.js';
import { isInfrastructureOutage } from '../errors/infrastructure.js';
import type { AuthUser } from './auth-user.js';
import { ADMIN_ONLY, IS_PUBLIC, LOGIN_ONLY } from './auth.decorators.js';

/** Strategy name registered by the users library: a JWT whose jti is a live token row, or a live API key. */
export const ACCESS_TOKEN_STRATEGY = 'access-token';

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export const READ_ONLY_KEY_REFUSED = 'a read-only API key may only read (GET, HEAD, OPTIONS)';
export const API_KEY_REFUSED = "API keys cannot manage API keys or access tokens: use a login's access token";

/**
 * What the strategy's answer means for a request with `method`: an outage stays itself (503), any
 * other failure is 401, and a read-only API key is refused every write (403) — here, for every
 * HTTP entry point alike, rather than route by route.
 */
export function authenticatedUser(error: unknown, user: AuthUser | false, method: string): AuthUser {
  if (isInfrastructureOutage(error)) throw error;
  if (error || !user) throw new Unauthorized();
  if (user.readOnly && !READ_METHODS.has(method)) throw new Forbidden(READ_ONLY_KEY_REFUSED);
  return user;
}

/**
 * Global guard: every HTTP route needs a live access token or API key unless marked @Public();
 * @LoginOnly() refuses API keys, @AdminOnly() adds the role.
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // Sockets are authenticated at their handshake (the events gateway), not per message.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await super.canActivate(context);
    const user = context.switchToHttp().getRequest<{ user: AuthUser }>().user;
    const loginOnly = this.reflector.getAllAndOverride<string | true | undefined>(LOGIN_ONLY, targets);
    if (loginOnly && user.credential !== 'access-token') {
      throw new Forbidden(loginOnly === true ? API_KEY_REFUSED : loginOnly);
    }
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && user.role !== 'ADMIN') throw new Forbidden();
    return true;
  }

  override handleRequest<TUser = AuthUser>(
    error: unknown,
    user: AuthUser | false,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    return authenticatedUser(error, user, context.switchToHttp().getRequest<{ method: string }>().method) as TUser;
  }
}
