import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Every Idempotency-Key header line of the request: Node's parsed headers join repeats into one value. */
export const IdempotencyKeys = createParamDecorator((_data: unknown, context: ExecutionContext): string[] => {
  const raw = context.switchToHttp().getRequest<FastifyRequest>().raw.rawHeaders;
  const keys: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === 'idempotency-key') keys.push(raw[i + 1]);
  return keys;
});
