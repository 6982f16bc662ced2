import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bull';
import {
  Controller,
  type DynamicModule,
  HttpCode,
  Inject,
  Module,
  type OnModuleInit,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bull';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import passport from 'passport';
import { ACCESS_TOKEN_STRATEGY, authenticatedUser } from '../auth/access-token.guard.js';
import { AdminOnly } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { Forbidden } from '../errors/common.errors.js';
import { replyWithProblem } from '../errors/problem-details.filter.js';
import { ApiProblems } from './api-problems.decorator.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'queue_dashboard_token';
const QUEUE_NAMES = Symbol('QUEUE_NAMES');
type RawMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

function cookieToken(req: IncomingMessage): string | undefined {
  const prefix = `${COOKIE}=`;
  return (
    req.headers.cookie
      ?.split(/;\s*/)
      .find((c) => c.startsWith(prefix))
      ?.slice(prefix.length) || undefined
  );
}

/**
 * Administrators only, with the same access tokens and API keys as the API: a bearer header, or the HttpOnly
 * cookie that POST /api/v1/admin/queues/session sets, since a browser cannot send a header to a page.
 */
function adminOnly(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const req = request.raw;
  const cookie = cookieToken(req);
  if (!req.headers.authorization && cookie) req.headers.authorization = `Bearer ${cookie}`;
  (
    passport.authenticate(ACCESS_TOKEN_STRATEGY, { session: false }, (error: unknown, found: AuthUser | false) => {
      try {
        if (authenticatedUser(error, found, request.method).role !== 'ADMIN') throw new Forbidden();
      } catch (refusal) {
        return replyWithProblem(refusal, request, reply);
      }
      done();
    }) as RawMiddleware
  )(req, reply.raw, done);
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
  @ApiNoContentResponse({
    description: 'The cookie is set',
    headers: {
      'Set-Cookie': {
        description: `${COOKIE}=…; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict`,
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 403: ['FORBIDDEN'] })
  openQueueDashboardSession(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    const token = encodeURIComponent(req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '');
    const secure = req.protocol === 'https' ? '; Secure' : '';
    reply.header('Set-Cookie', `${COOKIE}=${token}; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict${secure}`);
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

  /** A Fastify plugin of its own, so that the administrators' check guards the dashboard's routes alone. */
  onModuleInit(): void {
    const serverAdapter = new FastifyAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
    const queues = this.names.map(
      (name) => new BullAdapter(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })),
    );
    createBullBoard({ queues, serverAdapter, options: { uiConfig: { boardTitle: 'billing-gateway' } } });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(
      async (dashboard) => {
        dashboard.addHook('onRequest', adminOnly);
        await dashboard.register(serverAdapter.registerPlugin());
      },
      { prefix: QUEUE_DASHBOARD_PATH },
    );
  }
}
