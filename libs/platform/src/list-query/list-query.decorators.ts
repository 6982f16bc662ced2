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

/**
 * Plain strings with no example: Swagger UI's "Try it out" fills a parameter in with its example,
 * and a list whose every filter is set finds nothing (or refuses the combination).
 */
const VALUE_SCHEMAS: Record<FieldType, SchemaObject> = {
  uuid: { type: 'string', format: 'uuid' },
  text: { type: 'string', maxLength: 1000 },
  enum: { type: 'string' },
  timestamp: { type: 'string', format: 'date-time' },
  money: { type: 'string', pattern: '^-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$' },
  boolean: { type: 'string', enum: ['true', 'false'] },
  integer: { type: 'string', pattern: '^-?(0|[1-9][0-9]{0,17})$' },
  decimal: { type: 'string', pattern: '^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,18})?$' },
  metadata: { type: 'object', additionalProperties: { type: 'string', maxLength: 500 } },
};
const EQUALITY_ONLY: ReadonlySet<FieldType> = new Set(['uuid', 'enum', 'boolean']);
const OPERATOR_TEXT: Record<string, string> = {
  ne: 'not equal to',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
};

/** The documented part of a list field: enum values may come from configuration, so they are optional. */
export type DocumentedField = Pick<FieldSpec, 'type' | 'values' | 'nullable'>;

/** One flat query parameter per operator (`amount`, `amount[gt]`, …, `amount[in]`), as the client writes them. */
function filterParameters(name: string, field: DocumentedField) {
  if (field.type === 'metadata') {
    return [
      ApiQuery({
        name,
        required: false,
        style: 'deepObject',
        explode: true,
        schema: VALUE_SCHEMAS.metadata,
        description: `\`${name}[key]=value\`: the ${name} key equal to this value; several keys must all match.`,
      }),
    ];
  }
  const value = field.values?.length
    ? { ...VALUE_SCHEMAS[field.type], enum: [...field.values] }
    : VALUE_SCHEMAS[field.type];
  const ops = EQUALITY_ONLY.has(field.type) ? ['ne'] : ['ne', 'gt', 'gte', 'lt', 'lte'];
  const nulls = field.nullable ? ' `null` matches a missing value.' : '';
  const compares = field.type === 'money' ? ' Amounts compare as money.' : '';
  return [
    ApiQuery({
      name,
      required: false,
      schema: value,
      description: `\`${name}\` equal to this (also \`${name}[eq]\`).${compares}${nulls}`,
    }),
    ...ops.map((op) =>
      ApiQuery({
        name: `${name}[${op}]`,
        required: false,
        schema: value,
        description: `\`${name}\` ${OPERATOR_TEXT[op]} this.${compares}${op === 'ne' ? nulls : ''}`,
      }),
    ),
    ApiQuery({
      name: `${name}[in]`,
      required: false,
      schema: { type: 'string' },
      description: `\`${name}\` one of these comma-separated values (at most 100).`,
    }),
  ];
}

/** Documents the list conventions of a collection endpoint: every field's filter, sort, limit and cursor. */
export function ApiListQuery(fields: Record<string, DocumentedField>, defaultSort: string) {
  const names = Object.keys(fields);
  const sortable = names.filter((name) => fields[name].type !== 'metadata');
  return applyDecorators(
    ...names.flatMap((name) => filterParameters(name, fields[name])),
    ApiQuery({
      name: 'sort',
      required: false,
      schema: { type: 'string' },
      description: `Comma-separated fields, a leading \`-\` for descending (default \`${defaultSort}\`); \`id\` breaks ties. Fields: ${sortable.join(', ')}`,
    }),
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }),
    ApiQuery({
      name: 'cursor',
      required: false,
      schema: { type: 'string' },
      description: "Opaque cursor: the previous page's `nextCursor`",
    }),
  );
}
