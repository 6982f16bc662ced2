import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

/** Every Idempotency-Key header line of the request: Node's parsed headers join repeats into one value. */
export const IdempotencyKeys = createParamDecorator((_data: unknown, context: ExecutionContext): string[] => {
  const raw = context.switchToHttp().getRequest<FastifyRequest>().raw.rawHeaders;
  const keys: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === 'idempotency-key') keys.push(raw[i + 1]);
  return keys;
});

/** The Idempotency-Key header as the contract describes it for every creation. */
export const ApiIdempotencyKey = (what = 'payment') =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      `Same key and same body (amounts compared as money) → the same ${what}, charged once; ` +
      'same key, another body → 409. Kept at least 24 h.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
  });
