import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { AppLogger } from '../logging/app-logger.js';
import { logRequests } from '../logging/logging.module.js';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.js';
import { ValidationFailed } from '../errors/common.errors.js';
import type { FieldProblem } from '../errors/domain-error.js';
import { READ_ONLY_KEY_REFUSED } from '../auth/access-token.guard.js';
import { ProblemDetailsDto, problemResponse, withProblem } from './api-problems.decorator.js';
import { declaredWebhooks } from './api-webhooks.decorator.js';
import { unprefixedControllerPaths } from './unprefixed-controller.js';
import { createValidationPipe } from './validation.js';
import { limitRequests, RATE_LIMIT_HEADERS } from '../rate-limits/api-rate-limits.js';

export const API_PREFIX = 'api/v1';

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
    if (typeof value === 'string' && value.includes('\u0000'))
      return { field: path, message: 'must not contain NUL characters' };
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

/**
 * JSON is the only body the api reads (another content type answers 415). Not JSON, or a malformed
 * shape, answers problem details before authentication; the size limit is the adapter's bodyLimit.
 */
function parseJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') return done(null, undefined);
    let body: unknown;
    try {
      body = JSON.parse(text as string);
    } catch {
      return done(new ValidationFailed('INVALID_JSON', 'the body is not valid JSON'), undefined);
    }
    const shape = bodyShapeProblem(body);
    done(shape ? new ValidationFailed('VALIDATION_FAILED', `${shape.field}: ${shape.message}`, [shape]) : null, body);
  });
}

/** Security headers on every answer, errors and 404s included: set on the raw response, which Fastify merges into what it sends. */
function securityHeaders(): onRequestHookHandler {
  const apiHeaders = helmet(API_SECURITY_HEADERS);
  const pageHeaders = helmet();
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  return (request, reply, done) => {
    const path = request.url;
    const next = (error?: unknown) => done(error as Error | undefined);
    if (!path.startsWith(`/${API_PREFIX}/`))
      return (path.startsWith('/docs') ? docsHeaders : pageHeaders)(request.raw, reply.raw, next);
    reply.raw.setHeader('Cache-Control', 'no-store'); // balances and payments must not sit in a shared cache
    apiHeaders(request.raw, reply.raw, next);
  };
}

/**
 * `/api/v1` in front of every route but those of an UnprefixedController (the queue dashboard is a
 * Fastify plugin, outside Nest's routes).
 */
export function useApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: unprefixedControllerPaths() });
}

const TAGS: Array<[string, string]> = [
  ['auth', 'Registration, e-mail confirmation, login and access tokens'],
  ['api-keys', "Long-lived keys for a merchant's server"],
  ['users', 'The caller'],
  ['accounts', 'Accounts and their statements'],
  ['payments', 'Transfers, withdrawals, deposits: accepted with 202, finished by the worker'],
  ['payment-groups', 'Many payments in one request, posted all or nothing; and dry runs'],
  ['rates', 'Exchange rates'],
  ['webhooks', 'Endpoints that receive payment events, and their deliveries; the events sent are under `webhooks`'],
  ['admin', 'Administrators only'],
];

type Operation = { requestBody?: unknown; security?: unknown[]; responses: Record<string, unknown> };

const READ_METHODS = new Set(['get', 'head', 'options']);

/**
 * The OpenAPI document of the api. Every operation also documents the answers any request may get:
 * 429 (the API-wide rate limits), 500 and 503, 413 and 415 where it takes a body, and 403 FORBIDDEN
 * (a read-only API key) where it needs a credential and writes.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('billing-gateway')
    .setDescription(
      "Payment gateway and double-entry ledger. Amounts are decimal strings in the currency's minor-unit precision, never JSON numbers; " +
        'errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`. ' +
        'Log in with `POST /api/v1/auth/login` and send the `accessToken` as `Authorization: Bearer <accessToken>`; ' +
        'a server sends an API key (`POST /api/v1/api-keys`) the same way, `Authorization: Bearer bgk_…`. ' +
        'Payment events arrive over Socket.IO on the namespace `/events` (auth `{ token }`).',
    )
    .setVersion('1')
    // 3.1: its `webhooks` document what is sent to the users' endpoints.
    .setOpenAPIVersion('3.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'This server')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT or bgk_ API key',
      description:
        'The `accessToken` from `POST /api/v1/auth/login`, or an API key `bgk_…` from `POST /api/v1/api-keys`. ' +
        'A read-only key may only read (any other method answers 403 FORBIDDEN); no key may manage API keys or access tokens.',
    })
    .addSecurityRequirements('bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const { webhooks, models } = declaredWebhooks(app);
  const document = SwaggerModule.createDocument(
    app,
    { ...builder.build(), webhooks },
    {
      extraModels: [ProblemDetailsDto, ...models],
      // Named as an SDK's method would be (`createTransfer`): the handler's name, unique across controllers.
      operationIdFactory: (_controller, method) => method,
    },
  );
  for (const path of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(path) as Array<[string, Operation]>) {
      if (typeof operation !== 'object' || !operation.responses) continue;
      if (!READ_METHODS.has(method) && operation.security?.length !== 0) {
        operation.responses['403'] = withProblem(
          operation.responses['403'] as Parameters<typeof withProblem>[0],
          403,
          'FORBIDDEN',
          READ_ONLY_KEY_REFUSED,
        );
      }
      if (operation.requestBody) {
        operation.responses['413'] ??= problemResponse(413, ['PAYLOAD_TOO_LARGE']);
        operation.responses['415'] ??= problemResponse(415, ['VALIDATION_FAILED']);
      }
      operation.responses['429'] ??= problemResponse(429, ['TOO_MANY_REQUESTS'], {
        TOO_MANY_REQUESTS: 'too many requests; retry in 12 s',
      });
      operation.responses['500'] = problemResponse(500, ['INTERNAL_ERROR']);
      const unavailable = operation.responses['503'] as Parameters<typeof withProblem>[0];
      operation.responses['503'] = withProblem(unavailable, 503, 'SERVICE_UNAVAILABLE');
    }
  }
  return document;
}

/** Everything an HTTP app needs around its modules; the api's main.ts and the e2e tests both use it. */
export function configureHttpApp(app: NestFastifyApplication, options: { docs?: boolean } = {}): void {
  const config = app.get(AppConfig);
  const logger = app.get(AppLogger);
  const fastify = app.getHttpAdapter().getInstance();
  app.useLogger(logger);
  logRequests(fastify, logger);
  fastify.addHook('onRequest', securityHeaders());
  limitRequests(fastify, config, app.get(Redis), `/${API_PREFIX}/`);
  if (config.corsOrigins.length) {
    const exposedHeaders = ['X-Request-Id', 'Retry-After', ...RATE_LIMIT_HEADERS];
    app.enableCors({ origin: config.corsOrigins, exposedHeaders });
  }
  parseJsonBodies(fastify);
  useApiPrefix(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  if (options.docs !== false) {
    SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
      jsonDocumentUrl: 'docs-json',
      swaggerOptions: { persistAuthorization: true }, // a reload keeps the pasted token
    });
  }
}
