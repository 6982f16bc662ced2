import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config.js';
import { AppLogger } from '../logging/app-logger.js';
import { requestLogging } from '../logging/logging.module.js';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.js';
import type { FieldProblem } from '../errors/domain-error.js';
import { problem, sendProblem } from '../errors/problem-details.js';
import { ProblemDetailsDto, problemResponse } from './api-problems.decorator.js';
import { createValidationPipe } from './validation.js';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT = '100kb';

/**
 * For JSON answers, the headers of OWASP's REST Security Cheat Sheet; helmet's others (COOP,
 * Origin-Agent-Cluster, DNS prefetch, IE download options, Flash policies, XSS auditor) only
 * mean something to an HTML page, and each costs every answer a header. Pages keep them all.
 */
const API_SECURITY_HEADERS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

const jsonParser = express.json({ limit: BODY_LIMIT, strict: true });

const MAX_BODY_DEPTH = 32;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What no request schema has and the validation would not see: nesting deep enough to overflow
 * class-transformer's recursion, text PostgreSQL cannot store (NUL), both 500s otherwise, and keys
 * that rewrite an object's prototype when it is copied into a DTO, hiding the field from the whitelist.
 */
function bodyShapeProblem(body: unknown): FieldProblem | undefined {
  const stack: Array<[unknown, string, number]> = [[body, '', 0]];
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string' && value.includes('\u0000')) return { field: path, message: 'must not contain NUL characters' };
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { field: path, message: `nested more than ${MAX_BODY_DEPTH} levels deep` };
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) return { field, message: `property ${key} should not exist` };
      stack.push([(value as Record<string, unknown>)[key], field, depth + 1]);
    }
  }
  return undefined;
}

/** JSON bodies up to 100 KiB; a body that is too large, not JSON or malformed in shape answers problem details here. */
function parseJsonBody(req: Request, res: Response, next: NextFunction) {
  jsonParser(req, res, (error?: { type?: string; message?: string }) => {
    if (!error) {
      const shape = bodyShapeProblem(req.body);
      return shape ? sendProblem(res, problem(400, 'VALIDATION_FAILED', `${shape.field}: ${shape.message}`, [shape])) : next();
    }
    if (error.type === 'entity.too.large') return sendProblem(res, problem(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${BODY_LIMIT}`));
    if (error.type === 'entity.parse.failed') return sendProblem(res, problem(400, 'INVALID_JSON', 'the body is not valid JSON'));
    return sendProblem(res, problem(400, 'VALIDATION_FAILED', 'the body could not be read'));
  });
}

/** `/api/v1` in front of every route but the operational ones (the queue dashboard is mounted on Express, outside Nest's routes). */
export function useApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
}

const TAGS: Array<[string, string]> = [
  ['auth', 'Registration, e-mail confirmation, login and access tokens'],
  ['users', 'The caller'],
  ['accounts', 'Accounts and their statements'],
  ['payments', 'Transfers, withdrawals, deposits: accepted with 202, finished by the worker'],
  ['rates', 'Exchange rates'],
  ['admin', 'Administrators only'],
];

type Operation = { requestBody?: unknown; responses: Record<string, unknown> };

/**
 * The OpenAPI document of the api. Every operation also documents the answers any request may get:
 * 500 and 503, and 413 where it takes a body.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('billing-gateway')
    .setDescription(
      'Payment gateway and double-entry ledger. Amounts are decimal strings in the currency\'s minor-unit precision, never JSON numbers; ' +
        'errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`. ' +
        'Log in with `POST /api/v1/auth/login` and send the `accessToken` as `Authorization: Bearer <accessToken>`. ' +
        'Payment events arrive over Socket.IO on the namespace `/events` (auth `{ token }`).',
    )
    .setVersion('1')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The `accessToken` from `POST /api/v1/auth/login`' })
    .addSecurityRequirements('bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ProblemDetailsDto] });
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Operation[]) {
      if (typeof operation !== 'object' || !operation.responses) continue;
      if (operation.requestBody) operation.responses['413'] ??= problemResponse(413, ['PAYLOAD_TOO_LARGE']);
      operation.responses['500'] = problemResponse(500, ['INTERNAL_ERROR']);
      operation.responses['503'] = problemResponse(503, ['SERVICE_UNAVAILABLE']);
    }
  }
  return document;
}

/** Everything an HTTP app needs around its modules; the api's main.ts and the e2e tests both use it. */
export function configureHttpApp(app: NestExpressApplication, options: { docs?: boolean } = {}): void {
  const config = app.get(AppConfig);
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  app.use(requestLogging(logger));
  app.disable('x-powered-by');
  // Answers are JSON for one caller, rarely fetched twice unchanged: hashing every body into an
  // ETag cost a SHA-1 per response for nothing.
  app.set('etag', false);
  const apiHeaders = helmet(API_SECURITY_HEADERS);
  const pageHeaders = helmet();
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith(`/${API_PREFIX}/`)) return (req.path.startsWith('/docs') ? docsHeaders : pageHeaders)(req, res, next);
    res.setHeader('Cache-Control', 'no-store'); // balances and payments must not sit in a shared cache
    apiHeaders(req, res, next);
  });
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['X-Request-Id', 'Retry-After'] });
  app.use(parseJsonBody);
  useApiPrefix(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  if (options.docs !== false) {
    SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  }
}
