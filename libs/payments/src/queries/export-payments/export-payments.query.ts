import { Query } from '@nestjs/cqrs';
import type { AuthUser, CsvExport } from '#platform';

/** Every payment of the list, as CSV: its filters and sort, no page limit. */
export class ExportPayments extends Query<CsvExport> {
  constructor(
    readonly user: AuthUser,
    readonly queryString: string,
  ) {
    super();
  }
}
