import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AppLogger, requestContext } from './app-logger.js';

const acceptableRequestId = /^[\x21-\x7e]{1,128}$/;

/**
 * One short line per request, written once its answer is sent (or the caller went away), and the
 * rest of the request run inside its request-id context. Headers (tokens, cookies) are never logged.
 * Not pino-http: it builds two child loggers per request for the same line, which cost the api
 * ~15 % of its CPU per payment under load (the benchmark, alternated runs).
 */
export function requestLogging(logger: AppLogger) {
  const log = logger.pino;
  return (req: IncomingMessage & { id?: string; originalUrl?: string }, res: ServerResponse, next: () => void) => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const remoteAddress = req.socket?.remoteAddress; // read now: a socket the caller dropped may no longer say
    res.once('close', () => {
      const status = res.statusCode;
      const finished = res.writableFinished;
      const level = !finished ? 'warn' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      log[level](
        {
          req: { id, method: req.method, url: req.originalUrl ?? req.url, remoteAddress },
          res: { statusCode: status },
          responseTime: Math.round(performance.now() - started),
        },
        finished ? 'request completed' : 'request aborted',
      );
    });
    requestContext.run({ requestId: id }, next);
  };
}

@Global()
@Module({
  providers: [{ provide: AppLogger, inject: [AppConfig], useFactory: (config: AppConfig) => new AppLogger(config.logLevel) }],
  exports: [AppLogger],
})
export class LoggingModule {}
