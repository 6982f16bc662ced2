import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import { Controller, type DynamicModule, HttpCode, Inject, Module, type OnModuleInit, Post, Req, Res } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { ACCESS_TOKEN_STRATEGY } from '../auth/access-token.guard.js';
import { AdminOnly } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { isInfrastructureOutage } from '../errors/infrastructure.js';
import { problem, sendProblem } from '../errors/problem-details.js';
import { ApiProblems } from './api-problems.decorator.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'queue_dashboard_token';
const QUEUE_NAMES = Symbol('QUEUE_NAMES');

function cookieToken(req: Request): string | undefined {
  const prefix = `${COOKIE}=`;
  return req.headers.cookie?.split(/;\s*/).find((c) => c.startsWith(prefix))?.slice(prefix.length) || undefined;
}

/**
 * Administrators only, with the same access tokens as the API: a bearer header, or the HttpOnly
 * cookie that POST /api/v1/admin/queues/session sets, since a browser cannot send a header to a page.
 */
function adminOnly(req: Request, res: Response, next: NextFunction): void {
  const cookie = cookieToken(req);
  if (!req.headers.authorization && cookie) req.headers.authorization = `Bearer ${cookie}`;
  passport.authenticate(ACCESS_TOKEN_STRATEGY, { session: false }, (error: unknown, user: AuthUser | false) => {
    if (error && isInfrastructureOutage(error)) return sendProblem(res, problem(503, 'SERVICE_UNAVAILABLE', 'a dependency is temporarily unavailable; retry shortly'), 1);
    if (error || !user) return sendProblem(res, problem(401, 'UNAUTHORIZED', 'a valid access token is required'));
    if (user.role !== 'ADMIN') return sendProblem(res, problem(403, 'FORBIDDEN', 'administrators only'));
    next();
  })(req, res, next);
}

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/queues')
export class QueueDashboardSessionController {
  @Post('session')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Open the queue dashboard',
    description: `Sets the caller's access token as an HttpOnly, SameSite=Strict cookie for ${QUEUE_DASHBOARD_PATH}, where the Bull Board dashboard then opens in the browser. It lasts as long as the token.`,
  })
  @ApiNoContentResponse({ description: 'The cookie is set', headers: { 'Set-Cookie': { description: `${COOKIE}=…; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict`, schema: { type: 'string' } } } })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 403: ['FORBIDDEN'] })
  open(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    const token = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
    res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: QUEUE_DASHBOARD_PATH });
  }
}

/** Bull Board for the named Bull queues at /admin/queues on the HTTP app that imports it. */
@Module({ controllers: [QueueDashboardSessionController] })
export class QueueDashboardModule implements OnModuleInit {
  static forQueues(...names: string[]): DynamicModule {
    return { module: QueueDashboardModule, providers: [{ provide: QUEUE_NAMES, useValue: names }] };
  }

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    @Inject(QUEUE_NAMES) private readonly names: string[],
  ) {}

  /** Mounted at init, after the app's own middleware (logging, security headers) and before its 404 handler. */
  onModuleInit(): void {
    const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
    const queues = this.names.map((name) => new BullAdapter(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })));
    createBullBoard({ queues, serverAdapter, options: { uiConfig: { boardTitle: 'billing-gateway' } } });
    this.adapterHost.httpAdapter.use(QUEUE_DASHBOARD_PATH, adminOnly, serverAdapter.getRouter());
  }
}
