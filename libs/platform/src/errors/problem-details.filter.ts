import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
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
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    if (res.headersSent) return;
    const { body, retryAfter } = this.toProblem(exception, req);
    sendProblem(res, body, retryAfter);
  }

  private toProblem(exception: unknown, req: Request & { id?: string }): { body: ProblemDetails; retryAfter?: number } {
    if (exception instanceof DomainError) {
      return {
        body: problem(statusOfKind[exception.kind], exception.code, exception.message, exception.fieldProblems),
        retryAfter: exception.retryAfterSeconds,
      };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const detail = status === 404 ? `no route ${req.method} ${req.path}` : exception.message;
      return { body: problem(status, genericCode(status), detail) };
    }
    if (isInfrastructureOutage(exception)) {
      this.logger.warn(`dependency unavailable: ${(exception as Error).message}`);
      return { body: problem(503, 'SERVICE_UNAVAILABLE', 'a dependency is temporarily unavailable; retry shortly'), retryAfter: 1 };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { body: { ...problem(500, 'INTERNAL_ERROR', `unexpected error; quote request id ${req.id ?? 'unknown'}`), requestId: req.id } };
  }
}
