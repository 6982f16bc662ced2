import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error.js';
import { isInfrastructureOutage } from './infrastructure.js';
import { genericCode, problem, type ProblemDetails, statusOfKind } from './problem-details.js';

const logger = new Logger('ProblemDetails');

/**
 * The one place where errors become RFC 9457 answers. Nothing internal reaches a client. Used by
 * the filter below and by what answers outside Nest's routes (the queue dashboard's guard hook).
 */
export function replyWithProblem(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (reply.sent) return;
  const { body, retryAfter } = toProblem(exception, request);
  if (retryAfter !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  reply.code(body.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}

function toProblem(exception: unknown, request: FastifyRequest): { body: ProblemDetails; retryAfter?: number } {
  if (exception instanceof DomainError) {
    return {
      body: problem(statusOfKind[exception.kind], exception.code, exception.message, exception.fieldProblems),
      retryAfter: exception.retryAfterSeconds,
    };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const status = exception.getStatus();
    const detail = status === 404 ? `no route ${request.method} ${request.url.split('?')[0]}` : exception.message;
    return { body: problem(status, genericCode(status), detail) };
  }
  if (isInfrastructureOutage(exception)) {
    logger.warn({ reqId: request.id }, `dependency unavailable: ${(exception as Error).message}`);
    return {
      body: problem(503, 'SERVICE_UNAVAILABLE', 'a dependency is temporarily unavailable; retry shortly'),
      retryAfter: 1,
    };
  }
  logger.error({ reqId: request.id, err: exception });
  return {
    body: {
      ...problem(500, 'INTERNAL_ERROR', `unexpected error; quote request id ${request.id}`),
      requestId: request.id,
    },
  };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    replyWithProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
