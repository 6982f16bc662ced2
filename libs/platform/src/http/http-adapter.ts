import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { FastifyAdapter, RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import { problem } from '../errors/problem-details.js';
import { requestIdOf } from '../logging/logging.module.js';

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'the request line and headers exceed 16 KiB'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'the request did not arrive in time'],
};

/**
 * What Node refuses before any route runs (a URL or headers over its 16 KiB, a malformed request,
 * a request too slow to arrive) is answered with problem details too, on the socket itself.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const malformed: [number, string, string] = [400, 'VALIDATION_FAILED', 'the request is not well-formed HTTP'];
  const [status, code, detail] = CLIENT_ERRORS[error.code ?? ''] ?? malformed;
  const body = JSON.stringify(problem(status, code, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

const BODY_LIMIT_BYTES = 100 * 1024; // a body over it answers 413 PAYLOAD_TOO_LARGE
/** For the routes that take many items in one request (a payment group of 1,000 transfers is ~150 KiB). */
const LARGE_BODY_LIMIT_BYTES = 1024 * 1024;

/** Raises a route's body limit from 100 KiB to 1 MiB. */
export const LargeBody = () => RouteConfig({ largeBody: true });

/** The apps' Fastify settings; specs that run a bare Fastify instance use them too. */
export const httpServerOptions = {
  bodyLimit: BODY_LIMIT_BYTES,
  genReqId: requestIdOf,
  requestIdHeader: false,
  // As Express did: `/api/v1/accounts/` is `/api/v1/accounts`, and an id of any length that fits
  // in Node's 16 KiB of headers is looked up (404), not refused as 414 (Fastify's limit is 100).
  routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
  clientErrorHandler: answerClientError,
} satisfies FastifyServerOptions;

/**
 * Fastify, not Express: the api process is the benchmark's bottleneck, and the same Nest app costs
 * it far less CPU per request on Fastify (docs/performance.md, "Fastify instead of Express"
 * and "Figures moved out of the code").
 */
export function createHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter(httpServerOptions);
  adapter.getInstance().addHook('onRoute', (route) => {
    const config: { largeBody?: boolean } | undefined = route.config;
    if (config?.largeBody) route.bodyLimit = LARGE_BODY_LIMIT_BYTES;
  });
  return adapter;
}
