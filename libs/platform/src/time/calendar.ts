/**
 * Whether the fields name a moment that exists in PostgreSQL's calendar: a real day of a real
 * month (leap years counted), a time within the day, and a year from 1 (PostgreSQL goes from
 * 1 BC straight to AD 1: there is no year 0000). The one check behind every timestamp a query takes.
 */
export function isRealCalendarTime([year, month, day, hour, minute, second]: readonly number[]): boolean {
  if (year < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0-99 as 1900-1999
  date.setUTCHours(hour, minute, second);
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}
