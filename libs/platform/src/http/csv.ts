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

/**
 * Empties a batch once it has been used. Whatever referred to it (the driver's result, a settled
 * promise) may have been promoted to V8's old space, where it lingers dead until a full collection;
 * until then it keeps every row of the batch alive through the young generation's collections, so
 * they are promoted too, and the old space grows by tens of megabytes over a long export.
 */
function forget(batch: unknown[]): void {
  batch.length = 0;
}

/**
 * Rows as they come, each turned into a record's fields. Like the batches themselves, an iterator
 * object, not a generator: no suspended frame holds a batch once it has been passed on.
 */
export function csvFields<Row>(
  batches: AsyncIterable<Row[]>,
  fields: (row: Row) => Array<string | null>,
): AsyncIterable<Array<Array<string | null>>> {
  return {
    [Symbol.asyncIterator]() {
      const rows = batches[Symbol.asyncIterator]();
      return {
        async next() {
          const batch = await rows.next();
          if (batch.done) return batch;
          const records = batch.value.map(fields);
          forget(batch.value);
          return { done: false, value: records };
        },
        async return() {
          await rows.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/**
 * The bytes of a CSV download: the header, then each batch's records, read when the response asks
 * for more. A batch becomes one Buffer at once, outside V8's heap, so what waits for a slow client
 * is bytes, not the rows and strings they came from; the stream reads one batch ahead at most
 * (a batch is larger than its high-water mark), so a slow client slows the database reads rather
 * than filling memory.
 */
class CsvStream extends Readable {
  private readonly batches: AsyncIterator<Array<Array<string | null>>>;
  private header?: string;

  constructor(header: readonly string[], batches: AsyncIterable<Array<Array<string | null>>>) {
    super();
    this.header = csvRecord(header);
    this.batches = batches[Symbol.asyncIterator]();
  }

  override _read(): void {
    this.readBatch().then(
      (chunk) => this.push(chunk),
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    Promise.resolve(this.batches.return?.()).then(
      () => callback(error),
      (closing: Error) => callback(error ?? closing),
    );
  }

  /** The next chunk, or null at the end. */
  private async readBatch(): Promise<Buffer | null> {
    const next = await this.batches.next();
    let chunk = this.header ?? '';
    this.header = undefined;
    if (next.done) return chunk ? Buffer.from(chunk) : null;
    for (const record of next.value) chunk += csvRecord(record);
    forget(next.value);
    return Buffer.from(chunk);
  }
}

/** A CSV download, as a StreamableFile of RFC 4180 records. */
export function csvFile({ filename, header, batches }: CsvExport): StreamableFile {
  return new StreamableFile(new CsvStream(header, batches), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${filename}"`,
  });
}
