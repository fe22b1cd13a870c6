import { fromCalendarDate, type IsoDate } from './calendar.js';

// "Today" is today in the user's time zone (API.md): the calendar date an IANA zone shows at an
// instant, read through Intl (the ICU time zone data of the runtime), never the server's zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, calendar: 'gregory', numberingSystem: 'latn', year: 'numeric', month: 'numeric', day: 'numeric' });
    } catch {
      return undefined; // not a zone this runtime knows
    }
    // A few hundred zones exist; the cache stays small.
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The calendar date in `timeZone` at `instant`. An empty or unknown zone counts as UTC (auth only
 * stores zones it could resolve, and UTC is the API's default).
 */
export function localDate(instant: Date, timeZone: string): IsoDate {
  const formatter = (timeZone && formatterFor(timeZone)) || formatterFor('UTC')!;
  const parts = formatter.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const date = fromCalendarDate({ year: part('year'), month: part('month'), day: part('day') });
  if (date === undefined) throw new RangeError(`no calendar date for ${instant.toISOString()} in ${timeZone}`);
  return date;
}
