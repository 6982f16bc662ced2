import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiQuery, getSchemaPath } from '@nestjs/swagger';

/** Documents a list that also answers CSV: every matching row, streamed, with the same filters and sort. */
export function ApiCsvExport(page: Type, description: string, columns: string) {
  return applyDecorators(
    ApiExtraModels(page),
    ApiQuery({
      name: 'format',
      required: false,
      schema: { type: 'string', enum: ['csv'] },
      description:
        '`csv` (or `Accept: text/csv`): every matching row, not a page, as an RFC 4180 attachment; no `limit` or `cursor`',
    }),
    ApiOkResponse({
      description:
        `${description}. With \`format=csv\` or \`Accept: text/csv\`: a header row, then every matching row, amounts in the currency's precision, ` +
        `timestamps RFC 3339 UTC. ${columns}`,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(page) } },
        'text/csv': { schema: { type: 'string' } },
      },
    }),
  );
}
