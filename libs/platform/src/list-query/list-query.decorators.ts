import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';

/** The request's raw query string, for ListQueries: `field[op]` keys are kept as the client wrote them. */
export const ListQueryString = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const url = context.switchToHttp().getRequest<Request>().originalUrl;
  const start = url.indexOf('?');
  return start < 0 ? '' : url.slice(start + 1);
});

/** Documents the list conventions of a collection endpoint. */
export function ApiListQuery(fields: string[], defaultSort: string) {
  return applyDecorators(
    ApiQuery({ name: 'sort', required: false, description: `Comma-separated fields, '-' for descending (default ${defaultSort}). Fields: ${fields.join(', ')}` }),
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }),
    ApiQuery({ name: 'cursor', required: false, description: 'Opaque cursor from the previous page\'s nextCursor' }),
    ApiQuery({
      name: 'filters',
      required: false,
      style: 'form',
      explode: true,
      schema: { type: 'object', additionalProperties: { type: 'string' } },
      description: `field=value or field[op]=value with op in eq, ne, gt, gte, lt, lte, in (comma-separated). Fields: ${fields.join(', ')}`,
    }),
  );
}
