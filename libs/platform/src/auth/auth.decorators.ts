import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthUser } from './auth-user.js';

export const IS_PUBLIC = 'auth:public';
export const ADMIN_ONLY = 'auth:admin-only';
export const LOGIN_ONLY = 'auth:login-only';

/** The route needs no access token (every other route does). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route is for administrators: a user's token answers 403. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);

/**
 * The route manages credentials (API keys, access tokens, logging out) or what outlives them
 * (webhook endpoints): it takes a login's access token, and an API key answers 403 with `reason`,
 * so that a leaked key cannot mint another key, or an endpoint, that outlives its own revocation,
 * nor revoke its owner's other credentials.
 */
export const LoginOnly = (reason?: string) => SetMetadata(LOGIN_ONLY, reason ?? true);

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser => context.switchToHttp().getRequest<{ user: AuthUser }>().user,
);
