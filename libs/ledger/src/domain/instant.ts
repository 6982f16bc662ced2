import { InvalidQuery, isRealCalendarTime } from '#platform';

const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An RFC 3339 instant of a query (`Z` or an offset), read to the millisecond; a date that does not exist is refused. */
export function parseInstant(name: string, raw: string | null): Date {
  const parts = raw === null ? null : RFC_3339.exec(raw);
  const instant = parts ? new Date(raw!) : undefined;
  const real = parts && isRealCalendarTime(parts.slice(1, 7).map(Number));
  if (!instant || !real || Number.isNaN(instant.getTime()))
    throw new InvalidQuery(`${name} must be an RFC 3339 timestamp such as 2026-01-31T12:00:00.000Z`);
  return instant;
}

/** A period bound: an RFC 3339 instant, or a date, meaning its midnight in the query's time zone. */
export function parseBound(name: string, raw: string | null): { instant: string } | { date: string } {
  if (raw !== null && DATE.test(raw)) {
    parseInstant(name, `${raw}T00:00:00Z`);
    return { date: raw };
  }
  return { instant: parseInstant(name, raw).toISOString() };
}
