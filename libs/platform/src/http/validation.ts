import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidationFailed } from '../errors/common.errors.js';
import type { FieldProblem } from '../errors/domain-error.js';

/** Carried by a validator's `context` so that e.g. a bad amount answers INVALID_AMOUNT, not the generic code. */
export interface ErrorCodeContext {
  code: string;
}

function collect(errors: ValidationError[], parent = ''): { problems: FieldProblem[]; codes: string[] } {
  const problems: FieldProblem[] = [];
  const codes: string[] = [];
  for (const error of errors) {
    // An array's element is named as in the request: `items[3].amount`.
    const field = !parent
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      problems.push({ field, message });
      const code = (error.contexts?.[constraint] as ErrorCodeContext | undefined)?.code;
      if (code) codes.push(code);
    }
    const nested = collect(error.children ?? [], field);
    problems.push(...nested.problems);
    codes.push(...nested.codes);
  }
  return { problems, codes };
}

export function validationException(errors: ValidationError[]): ValidationFailed {
  const { problems, codes } = collect(errors);
  const detail = problems.map((p) => `${p.field}: ${p.message}`).join('; ') || 'invalid request';
  return new ValidationFailed(codes[0] ?? 'VALIDATION_FAILED', detail, problems);
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: validationException,
  });
}
