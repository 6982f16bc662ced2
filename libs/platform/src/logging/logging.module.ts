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
    // One short line per request: headers (tokens, cookies) are never logged, and serialising
    // them for every request cost the api a measurable share of its CPU under load. Unwrapped,
    // the serialisers read the few fields straight off the request instead of a full copy of it.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id: unknown; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.originalUrl ?? req.url,
        remoteAddress: req.socket?.remoteAddress,
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
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
