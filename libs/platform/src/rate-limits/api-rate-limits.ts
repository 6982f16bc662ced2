import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { TooManyRequests } from '../errors/common.errors.js';
import { replyWithProblem } from '../errors/problem-details.filter.js';
import { type BudgetState, RedisBudget } from './redis-budget.js';

export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

const bearer = /^Bearer\s+(\S+)$/i;

/** A credential as presented, valid or not, hashed: a token never becomes a Redis key. */
function credentialOf(authorization: string | undefined): string | undefined {
  const token = authorization && bearer.exec(authorization)?.[1];
  return token ? createHash('sha256').update(token).digest('base64url') : undefined;
}

/** The budget nearest to refusing: the one that refused, else the one with least left. */
function tightest(states: BudgetState[]): BudgetState {
  return states.reduce((a, b) =>
    a.exceeded !== b.exceeded ? (a.exceeded ? a : b) : b.remaining < a.remaining ? b : a,
  );
}

/**
 * Budgets of requests a minute under `pathPrefix`, per IP and per credential (an access token or an
 * API key), shared by every api instance through Redis; 0 turns one off. Every answer says where the
 * tightest stands (`RateLimit-*`, draft-ietf-httpapi-ratelimit-headers); over it, 429 with
 * Retry-After. Both budgets are asked together, so a request waits for one Redis round trip, and a
 * key over its budget is refused from memory until its window ends.
 */
export function limitRequests(fastify: FastifyInstance, config: AppConfig, redis: Redis, pathPrefix: string): void {
  const prefix = `${config.queuePrefix}:requests`;
  const perIp = config.rateLimitPerIp ? new RedisBudget(redis, `${prefix}:ip`, config.rateLimitPerIp) : undefined;
  const perCredential = config.rateLimitPerCredential
    ? new RedisBudget(redis, `${prefix}:credential`, config.rateLimitPerCredential)
    : undefined;
  if (!perIp && !perCredential) return;
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(pathPrefix)) return;
    const spending: Array<Promise<BudgetState>> = [];
    if (perIp) spending.push(perIp.spend(request.ip));
    const credential = perCredential && credentialOf(request.headers.authorization);
    if (credential) spending.push(perCredential.spend(credential));
    if (!spending.length) return;
    const state = tightest(await Promise.all(spending));
    reply.header('RateLimit-Limit', state.limit);
    reply.header('RateLimit-Remaining', Math.max(0, state.remaining));
    reply.header('RateLimit-Reset', state.resetSeconds);
    if (!state.exceeded) return;
    replyWithProblem(new TooManyRequests(state.resetSeconds), request, reply);
    return reply;
  });
}
