import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import { problem } from '../errors/problem-details.js';

class FieldProblemDto {
  @ApiProperty({ example: 'amount' }) field: string;
  @ApiProperty({ example: 'amount must be a decimal string such as "12.50"' }) message: string;
}

export class ProblemDetailsDto {
  @ApiProperty({ format: 'uri', example: 'https://billing-gateway.dev/problems/not-found' }) type: string;
  @ApiProperty({ example: 'Not Found' }) title: string;
  @ApiProperty({ type: 'integer', example: 404 }) status: number;
  @ApiProperty({ example: 'account not found' }) detail: string;
  @ApiProperty({ example: 'NOT_FOUND', description: 'A stable error code from the API contract' }) code: string;
  @ApiProperty({
    type: [FieldProblemDto],
    required: false,
    description: 'The fields at fault, for 400 validation failures',
  })
  errors?: FieldProblemDto[];
}

const PROBLEM_SCHEMA = { $ref: '#/components/schemas/ProblemDetailsDto' };

const EXAMPLE_DETAILS: Record<string, string> = {
  VALIDATION_FAILED: 'email: email must be an email',
  INVALID_JSON: 'the body is not valid JSON',
  INVALID_QUERY: 'unknown filter colour',
  INVALID_AMOUNT: 'amount: amount must be a positive decimal string such as "12.50"',
  UNSUPPORTED_CURRENCY: 'currency XYZ is not supported',
  UNAUTHORIZED: 'a valid access token is required',
  FORBIDDEN: 'administrators only',
  NOT_FOUND: 'account not found',
  PAYLOAD_TOO_LARGE: 'the body exceeds 100kb',
  TOO_MANY_REQUESTS: 'too many attempts; retry later',
  SERVICE_UNAVAILABLE: 'a dependency is temporarily unavailable; retry shortly',
  SERVICE_OVERLOADED:
    'payments are being posted 7250 ms behind, more than the 5000 ms allowed; nothing was stored, retry later',
  EMAIL_TAKEN: 'an account with this e-mail exists',
  INVALID_CONFIRMATION_TOKEN: 'the confirmation token is invalid, used or expired',
  INVALID_CREDENTIALS: 'wrong e-mail or password',
  EMAIL_NOT_CONFIRMED: 'confirm your e-mail address before moving money',
  SAME_ACCOUNT: 'fromAccountId and toAccountId are the same account',
  INVALID_IDEMPOTENCY_KEY: 'Idempotency-Key must be 1..255 printable ASCII characters',
  IDEMPOTENCY_KEY_REUSED: 'this Idempotency-Key was used with another body',
  IDEMPOTENCY_KEY_IN_USE: 'a request with this Idempotency-Key is in progress; retry later',
  EXTERNAL_REF_REUSED: 'this externalRef was used with another body',
  INVALID_RATE: 'rate must be a positive decimal string with at most 12 significant digits',
  RATE_NOT_AVAILABLE: 'no USD→EUR rate is set',
  PAYMENT_NOT_AUTHORIZED: 'the payment is COMPLETED, not AUTHORIZED: only an authorized hold can be captured or voided',
  AUTHORIZATION_EXPIRED: 'the hold expired at 2026-01-31T12:00:00.000Z: its money is released',
  CAPTURE_EXCEEDS_AUTHORIZED: 'at most the authorized 25.00 can be captured',
  PAYMENT_NOT_REFUNDABLE: 'only a COMPLETED payment can be refunded; this one is FAILED',
  REFUND_EXCEEDS_PAYMENT: 'only 4.00 EUR is left to refund',
  INVALID_WEBHOOK_URL: 'url: 10.0.0.5 is not a public address',
  TOO_MANY_WEBHOOK_ENDPOINTS: 'a user may have at most 16 webhook endpoints; delete one first',
  HEADERS_TOO_LARGE: 'the request line and headers exceed 16 KiB',
  INTERNAL_ERROR: 'unexpected error; quote request id 5d2c9a0e-8a43-4e3b-9d5e-2f0f5b1c7a10',
};

/** The answer of `status` with each of `codes`, one example per code; `details` replaces an example's detail. */
export function problemResponse(status: number, codes: readonly string[], details: Record<string, string> = {}) {
  return {
    description: `Problem details; code ${codes.join(', ')}`,
    ...(status === 429 || status === 503
      ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } }
      : {}),
    content: {
      'application/problem+json': {
        schema: PROBLEM_SCHEMA,
        examples: Object.fromEntries(
          codes.map((code) => [
            code,
            {
              value: problem(
                status,
                code,
                details[code] ?? EXAMPLE_DETAILS[code] ?? code.toLowerCase().replace(/_/g, ' '),
              ),
            },
          ]),
        ),
      },
    },
  };
}

interface DocumentedProblems {
  description: string;
  content: Record<string, { examples?: Record<string, unknown> }>;
}

/** A documented problem answer (or none yet) that also answers `code`, unless it already does. */
export function withProblem(
  response: DocumentedProblems | undefined,
  status: number,
  code: string,
  detail = EXAMPLE_DETAILS[code] ?? code,
): DocumentedProblems {
  if (!response) return problemResponse(status, [code], { [code]: detail });
  const content = response.content['application/problem+json'];
  if (content.examples && code in content.examples) return response;
  const examples = { ...content.examples, [code]: { value: problem(status, code, detail) } };
  return {
    ...response,
    description: `${response.description}, ${code}`,
    content: { 'application/problem+json': { ...content, examples } },
  };
}

/**
 * Documents the problem-details answers of an endpoint: `ApiProblems({ 404: ['NOT_FOUND'] })`;
 * `details` gives a code's example the endpoint's own detail.
 */
export function ApiProblems(answers: Record<number, readonly string[]>, details: Record<string, string> = {}) {
  return applyDecorators(
    ...Object.entries(answers).map(([status, codes]) =>
      ApiResponse({ status: Number(status), ...problemResponse(Number(status), codes, details) }),
    ),
  );
}
