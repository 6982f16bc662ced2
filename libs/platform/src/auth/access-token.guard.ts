import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Forbidden, Unauthorized } from '../errors/common.errors.js';
import { isInfrastructureOutage } from '../errors/infrastructure.js';
import type { AuthUser } from './auth-user.js';
import { ADMIN_ONLY, IS_PUBLIC } from './auth.decorators.js';

/** Strategy name registered by the users library (JWT whose jti is a live token row). */
export const ACCESS_TOKEN_STRATEGY = 'access-token';

/** What the strategy's answer means for the caller: an outage stays itself (503), any other failure is 401. */
export function authenticatedUser<TUser>(error: unknown, user: TUser | false): TUser {
  if (error && isInfrastructureOutage(error)) throw error;
  if (error || !user) throw new Unauthorized();
  return user;
}

/** Global guard: every HTTP route needs a live access token unless marked @Public(); @AdminOnly() adds the role. */
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
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && user.role !== 'ADMIN') throw new Forbidden();
    return true;
  }

  override handleRequest<TUser = AuthUser>(error: unknown, user: TUser | false): TUser {
    return authenticatedUser(error, user);
  }
}
