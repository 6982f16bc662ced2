import { Query } from '@nestjs/cqrs';
import type { AuthUser, CsvExport } from '#platform';

/** The whole statement of an account as CSV: the list's filters and sort, every row. */
export class ExportStatement extends Query<CsvExport> {
  constructor(
    readonly user: AuthUser,
    readonly accountId: string,
    readonly queryString: string,
  ) {
    super();
  }
}
