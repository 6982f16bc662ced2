import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 record: a field with a comma, a quote or a line break is quoted, its quotes doubled; CRLF ends it. */
export function csvRecord(fields: ReadonlyArray<string | null>): string {
  return (
    fields.map((f) => (f === null ? '' : NEEDS_QUOTES.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',') + '\r\n'
  );
}

/** A client asks for CSV with `Accept: text/csv` or `?format=csv` (any other format is refused by the list). */
export function wantsCsv(accept: string | undefined, queryString: string): boolean {
  return new URLSearchParams(queryString).get('format') === 'csv' || /(^|,)\s*text\/csv\s*(;|,|$)/i.test(accept ?? '');
}

/** What a query answers for an export: the header, and the records to come in batches. */
export interface CsvExport {
  filename: string;
  header: readonly string[];
  batches: AsyncIterable<Array<Array<string | null>>>;
}

/** Rows as they come, each turned into a record's fields. */
export async function* csvFields<Row>(
  batches: AsyncIterable<Row[]>,
  fields: (row: Row) => Array<string | null>,
): AsyncGenerator<Array<Array<string | null>>> {
  for await (const batch of batches) yield batch.map(fields);
}

/**
 * A CSV download: the header, then each batch's records as they come. Pulled by the response, so
 * a slow client slows the database reads rather than filling memory.
 */
export function csvFile({ filename, header, batches }: CsvExport): StreamableFile {
  async function* records() {
    yield csvRecord(header);
    for await (const batch of batches) {
      let chunk = '';
      for (const record of batch) chunk += csvRecord(record);
      yield chunk;
    }
  }
  return new StreamableFile(Readable.from(records()), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${filename}"`,
  });
}
