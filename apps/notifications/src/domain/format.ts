import { daysBetween, epochDayOf, isoDate } from '@finance/calendar';
import { formatMoney, getCurrency, money, parseMoney } from '@finance/money';

// How amounts and dates read in notifications: exact (amounts come as decimal strings or integer
// minor units, never through a float), in English, independent of the machine's locale.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** "1234567.50" → "1,234,567.50" (a sign and the fraction are kept as they are). */
function groupThousands(decimal: string): string {
  const negative = decimal.startsWith('-');
  const unsigned = negative ? decimal.slice(1) : decimal;
  const [integer = '', fraction] = unsigned.split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/**
 * An amount given as a decimal string in its currency ("1234.5", "USD") → "1,234.50 USD", with
 * exactly the currency's minor digits. A string that is not such an amount is shown as it came,
 * with its currency (a notification is never lost over formatting).
 */
export function formatDecimalAmount(decimal: string, currency: string): string {
  try {
    return `${groupThousands(formatMoney(parseMoney(decimal, currency, { allowNegative: true })))} ${currency}`;
  } catch {
    return `${decimal} ${currency}`;
  }
}

/** Integer minor units in their currency ("123450", "USD") → "1,234.50 USD". */
export function formatMinorAmount(minorUnits: string | bigint, currency: string): string {
  if (!getCurrency(currency)) return `${minorUnits.toString()} (minor units) ${currency}`;
  return `${groupThousands(formatMoney(money(minorUnits, currency)))} ${currency}`;
}

/** a − b of two decimal strings in one currency, formatted; undefined when either is not an amount of it. */
export function differenceOf(a: string, b: string, currency: string): { amount: string; sign: -1 | 0 | 1 } | undefined {
  try {
    const diff = parseMoney(a, currency, { allowNegative: true }).minor - parseMoney(b, currency, { allowNegative: true }).minor;
    const magnitude = diff < 0n ? -diff : diff;
    return { amount: formatMinorAmount(magnitude, currency), sign: diff < 0n ? -1 : diff > 0n ? 1 : 0 };
  } catch {
    return undefined;
  }
}

/** "2026-03-16" → "16 March 2026". */
export function formatDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${day} ${MONTHS[month - 1] ?? '?'} ${year}`;
}

/** "2026-03-16" → "Monday, 16 March 2026". */
export function formatDateWithWeekday(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  // Epoch day 0 (1970-01-01) was a Thursday (index 3 with Monday = 0).
  const weekday = WEEKDAYS[(((epochDayOf(year, month, day) + 3) % 7) + 7) % 7];
  return `${weekday}, ${formatDate(date)}`;
}

/** How far `date` is from `today`: "today", "tomorrow", "in 3 days"; undefined when it has passed. */
export function relativeDay(date: string, today: string): string | undefined {
  const days = daysBetween(isoDate(today), isoDate(date));
  if (days < 0) return undefined;
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
