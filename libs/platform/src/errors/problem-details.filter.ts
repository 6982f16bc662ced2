import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error.js';
import { isInfrastructureOutage } from './infrastructure.js';
import { genericCode, problem, type ProblemDetails, sendProblem, statusOfKind } from './problem-details.js';

/** The one place where errors become RFC 9457 answers. Nothing internal reaches a client. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    const { body, retryAfter } = this.toProblem(exception, req);
    sendProblem(reply, body, retryAfter);
  }

  private toProblem(exception: unknown, req: FastifyRequest): { body: ProblemDetails; retryAfter?: number } {
    if (exception instanceof DomainError) {
      return {
        body: problem(statusOfKind[exception.kind], exception.code, exception.message, exception.fieldProblems),
        retryAfter: exception.retryAfterSeconds,
      };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const detail = status === 404 ? `no route ${req.method} ${req.url.split('?')[0]}` : exception.message;
      return { body: problem(status, genericCode(status), detail) };
    }
    if (isInfrastructureOutage(exception)) {
      this.logger.warn(`dependency unavailable: ${(exception as Error).message}`);
      return { body: problem(503, 'SERVICE_UNAVAILABLE', 'a dependency is temporarily unavailable; retry shortly'), retryAfter: 1 };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { body: { ...problem(500, 'INTERNAL_ERROR', `unexpected error; quote request id ${req.id}`), requestId: req.id } };
  }
}
