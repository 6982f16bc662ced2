import { Get, Header, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { UnprefixedController } from '../http/unprefixed-controller.js';
import { httpRequestDuration, metricsRegistry } from './metrics.js';

@ApiExcludeController()
@Public()
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
    httpRequestDuration().observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}

/** Prometheus text at /metrics: default process metrics, HTTP latency, and what each library declares. */
@Module({ controllers: [MetricsController] })
export class MetricsModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    recordDurations(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
