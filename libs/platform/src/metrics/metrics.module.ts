import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Get,
  Header,
  Injectable,
  Module,
  type OnModuleInit,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { Unauthorized } from '../errors/common.errors.js';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.js';
import { Public } from '../auth/auth.decorators.js';
import { UnprefixedController } from '../http/unprefixed-controller.js';
import { httpRequestDuration, metricsRegistry } from './metrics.js';

/**
 * With METRICS_TOKEN set, a scrape must send `Authorization: Bearer <token>`: the api's port is
 * public, and its metrics tell how much money moves. Without it (development) /metrics is open.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(config: AppConfig) {
    this.expected = config.metricsToken === undefined ? undefined : digest(`Bearer ${config.metricsToken}`);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const given = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    // Digests are compared, so that the comparison takes the same time whatever the length given.
    if (!timingSafeEqual(digest(given), this.expected)) {
      throw new Unauthorized('/metrics takes the METRICS_TOKEN bearer token');
    }
    return true;
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

@ApiExcludeController()
@Public()
@UseGuards(MetricsTokenGuard)
@UseFilters(ProblemDetailsFilter) // the worker has no global filter
@UnprefixedController('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

/** Every answer's duration by method, matched route pattern (not the URL: ids would explode the series) and status. */
function recordDurations(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration().observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

/** Prometheus text at /metrics: default process metrics, HTTP latency, and what each library declares. */
@Module({ controllers: [MetricsController], providers: [MetricsTokenGuard] })
export class MetricsModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    recordDurations(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
