import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { FieldSpec, FieldType } from './list-spec.js';

/** The request's raw query string, for ListQueries: `field[op]` keys are kept as the client wrote them. */
export const ListQueryString = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const url = context.switchToHttp().getRequest<FastifyRequest>().originalUrl;
  const start = url.indexOf('?');
  return start < 0 ? '' : url.slice(start + 1);
});

type SchemaObject = Record<string, unknown>;

const VALUE_SCHEMAS: Record<FieldType, SchemaObject> = {
  uuid: { type: 'string', format: 'uuid' },
  text: { type: 'string', maxLength: 1000 },
  enum: { type: 'string' },
  timestamp: { type: 'string', format: 'date-time', example: '2026-01-31T12:00:00.000Z' },
  money: { type: 'string', pattern: '^-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$', example: '10.00' },
  boolean: { type: 'boolean' },
  integer: { type: 'integer' },
  decimal: { type: 'string', pattern: '^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,18})?$', example: '0.92' },
};
const EQUALITY_ONLY: ReadonlySet<FieldType> = new Set(['uuid', 'enum', 'boolean']);

/** The documented part of a list field: enum values may come from configuration, so they are optional. */
export type DocumentedField = Pick<FieldSpec, 'type' | 'values' | 'nullable'>;

function filterParameter(name: string, field: DocumentedField) {
  const value = field.values?.length ? { ...VALUE_SCHEMAS[field.type], enum: [...field.values] } : VALUE_SCHEMAS[field.type];
  const ops = EQUALITY_ONLY.has(field.type) ? ['eq', 'ne'] : ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];
  const properties: Record<string, SchemaObject> = Object.fromEntries(ops.map((op) => [op, value]));
  properties.in = { type: 'string', description: 'Comma-separated values, at most 100' };
  const nulls = field.nullable ? ' `null` matches a missing value (`eq`, `ne`).' : '';
  const compares = field.type === 'money' ? ' Amounts compare as money.' : '';
  return ApiQuery({
    name,
    required: false,
    style: 'deepObject',
    explode: true,
    schema: { type: 'object', properties, additionalProperties: false },
    description: `Filter on \`${name}\`: \`${name}[op]=value\`; \`${name}=value\` means \`${name}[eq]=value\`.${compares}${nulls}`,
  });
}

/** Documents the list conventions of a collection endpoint: every field's filter, sort, limit and cursor. */
export function ApiListQuery(fields: Record<string, DocumentedField>, defaultSort: string) {
  const names = Object.keys(fields);
  return applyDecorators(
    ...names.map((name) => filterParameter(name, fields[name])),
    ApiQuery({
      name: 'sort',
      required: false,
      schema: { type: 'string', example: defaultSort },
      description: `Comma-separated fields, a leading \`-\` for descending (default \`${defaultSort}\`); \`id\` breaks ties. Fields: ${names.join(', ')}`,
    }),
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }),
    ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' }, description: 'Opaque cursor: the previous page\'s `nextCursor`' }),
  );
}
