import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config.js';
import { AppLogger } from '../logging/app-logger.js';
import { requestLogging } from '../logging/logging.module.js';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.js';
import { problem, sendProblem } from '../errors/problem-details.js';
import { ProblemDetailsDto } from './api-problems.decorator.js';
import { createValidationPipe } from './validation.js';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT = '100kb';

const jsonParser = express.json({ limit: BODY_LIMIT, strict: true });

/** JSON bodies up to 100 KiB; a body that is too large or not JSON answers problem details here. */
function parseJsonBody(req: Request, res: Response, next: NextFunction) {
  jsonParser(req, res, (error?: { type?: string; message?: string }) => {
    if (!error) return next();
    if (error.type === 'entity.too.large') return sendProblem(res, problem(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${BODY_LIMIT}`));
    if (error.type === 'entity.parse.failed') return sendProblem(res, problem(400, 'INVALID_JSON', 'the body is not valid JSON'));
    return sendProblem(res, problem(400, 'VALIDATION_FAILED', 'the body could not be read'));
  });
}

export function buildOpenApiDocument(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('billing-gateway')
    .setDescription(
      'Payment gateway and double-entry ledger. Amounts are decimal strings in the currency\'s minor-unit precision; ' +
        'errors are RFC 9457 problem details with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsDto] });
}

/** Everything an HTTP app needs around its modules; the api's main.ts and the e2e tests both use it. */
export function configureHttpApp(app: NestExpressApplication, options: { docs?: boolean } = {}): void {
  const config = app.get(AppConfig);
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  app.use(requestLogging(logger));
  app.disable('x-powered-by');
  const apiHeaders = helmet();
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/docs') ? docsHeaders : apiHeaders)(req, res, next));
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['X-Request-Id', 'Retry-After'] });
  app.use(parseJsonBody);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics', 'admin/queues', 'admin/queues/{*path}'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  if (options.docs !== false) {
    SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  }
}
