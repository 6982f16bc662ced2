import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Global, Module } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { AppLogger, logDestination } from './app-logger.js';

const acceptableRequestId = /^[\x21-\x7e]{1,128}$/;

/** The caller's X-Request-Id when it is short and printable, else a new one: the id its log lines and a 500 quote. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : randomUUID();
}

/**
 * One short line per request, written once its answer is sent (or the caller went away). Headers
 * (tokens, cookies) are never logged.
 * Not pino-http: it builds two child loggers per request for the same line, a cost the benchmark
 * sees in the api's CPU (docs/performance.md, "Figures moved out of the code").
 */
export function logRequests(app: FastifyInstance, logger: AppLogger): void {
  const log = logger.pino;
  app.addHook('onRequest', (request, reply, done) => {
    const { id, raw: req } = request;
    const res = reply.raw;
    res.setHeader('X-Request-Id', id);
    const remoteAddress = req.socket?.remoteAddress; // read now: a socket the caller dropped may no longer say
    res.once('close', () => {
      const status = res.statusCode;
      const finished = res.writableFinished;
      const level = !finished ? 'warn' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      log[level](
        {
          req: { id, method: req.method, url: req.url, remoteAddress },
          res: { statusCode: status },
          responseTime: Math.round(reply.elapsedTime), // ms, as the latency metric reads it
        },
        finished ? 'request completed' : 'request aborted',
      );
    });
    done();
  });
}

@Global()
@Module({
  providers: [
    {
      provide: AppLogger,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new AppLogger(config.logLevel, logDestination(config.nodeEnv)),
    },
  ],
  exports: [AppLogger],
})
export class LoggingModule {}
