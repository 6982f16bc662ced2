import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import { requestIdOf } from '../logging/logging.module.js';

const BODY_LIMIT_BYTES = 100 * 1024; // a body over it answers 413 PAYLOAD_TOO_LARGE

/** The apps' Fastify settings; specs that run a bare Fastify instance use them too. */
export const httpServerOptions = {
  bodyLimit: BODY_LIMIT_BYTES,
  genReqId: requestIdOf,
  requestIdHeader: false,
  // As Express did: `/api/v1/accounts/` is `/api/v1/accounts`, and an id of any length that fits
  // in Node's 16 KiB of headers is looked up (404), not refused as 414 (Fastify's limit is 100).
  routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
} satisfies FastifyServerOptions;

/**
 * Fastify, not Express: the api process is the benchmark's bottleneck, and the same Nest app costs
 * it far less CPU per request on Fastify (docs/performance.md, "Fastify instead of Express"
 * and "Figures moved out of the code").
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter(httpServerOptions);
}
