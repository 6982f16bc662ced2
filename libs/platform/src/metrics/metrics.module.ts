import { Controller, Get, Header, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { httpRequestDuration, metricsRegistry } from './metrics.js';

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

function recordDuration(req: Request, res: Response, next: NextFunction) {
  const stop = httpRequestDuration().startTimer({ method: req.method });
  res.once('finish', () => {
    const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
    stop({ route, status: String(res.statusCode) });
  });
  next();
}

/** Prometheus text at /metrics: default process metrics, HTTP latency, and what each library declares. */
@Module({ controllers: [MetricsController] })
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(recordDuration).forRoutes('*');
  }
}
