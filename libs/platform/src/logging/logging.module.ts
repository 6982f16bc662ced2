import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Global, Module } from '@nestjs/common';
import { pinoHttp } from 'pino-http';
import { AppConfig } from '../config/app-config.js';
import { AppLogger, requestContext } from './app-logger.js';

const acceptableRequestId = /^[\x21-\x7e]{1,128}$/;

/** Logs each request (pino-http) and runs the rest of it inside its request-id context. */
export function requestLogging(logger: AppLogger) {
  const http = pinoHttp({
    logger: logger.pino,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    http(req, res);
    requestContext.run({ requestId: String(req.id) }, next);
  };
}

@Global()
@Module({
  providers: [{ provide: AppLogger, inject: [AppConfig], useFactory: (config: AppConfig) => new AppLogger(config.logLevel) }],
  exports: [AppLogger],
})
export class LoggingModule {}
