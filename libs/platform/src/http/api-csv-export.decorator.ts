import { applyDecorators } from '@nestjs/common';
import { ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';

/** Documents a list that also answers CSV: every matching row, streamed, with the same filters and sort. */
export function ApiCsvExport(columns: string) {
  return applyDecorators(
    ApiProduces('application/json', 'text/csv'),
    ApiQuery({
      name: 'format',
      required: false,
      schema: { type: 'string', enum: ['csv'] },
      description: '`csv` (or `Accept: text/csv`): every matching row, not a page, as an RFC 4180 attachment; no `limit` or `cursor`',
    }),
    ApiResponse({
      status: 200,
      description: `With \`format=csv\` or \`Accept: text/csv\`: a header row, then every row, amounts in the currency's precision, timestamps RFC 3339 UTC. ${columns}`,
      content: { 'text/csv': { schema: { type: 'string' } } },
    }),
  );
}
