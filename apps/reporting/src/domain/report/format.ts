import { requireCurrency, roundHalfEven, type Money } from '@finance/money';
import type { YearMonth } from './model.js';

// Text of the monthly report: exact amounts from minor units (never through a float), changes and
// shares as exact ratios rounded half-even, and escaping of everything a user typed.

/** U+2212, the typographic minus: a printed report is read by people, not parsed. */
export const MINUS = '\u2212';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML element content and quoted attribute values alike: the five characters that can
 * end either are replaced. Everything else (emoji, right-to-left scripts) stays as it is: the
 * document is UTF-8. Lone surrogates and control characters other than tab and newline are dropped,
 * as no printed page can show them.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** `1234567` → `1,234,567`. */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The amount with its currency's minor digits and thousands grouped, no currency code:
 * 123456 USD → `1,234.56`; 1000 JPY → `1,000`; −4750 KWD → `−4.750`. Exact: bigint digits only.
 */
export function formatAmount(m: Money): string {
  const digits = requireCurrency(m.currency).minorUnits;
  const negative = m.minor < 0n;
  const text = (negative ? -m.minor : m.minor).toString().padStart(digits + 1, '0');
  const int = groupThousands(text.slice(0, text.length - digits));
  const frac = digits ? `.${text.slice(text.length - digits)}` : '';
  return `${negative ? MINUS : ''}${int}${frac}`;
}

/** `1,234.56 USD`. */
export function formatMoneyText(m: Money): string {
  return `${formatAmount(m)} ${m.currency}`;
}

/** `+1,234.56 USD` / `−12.00 USD` / `0.00 USD`: a difference, signed. */
export function formatSignedMoney(m: Money): string {
  return m.minor > 0n ? `+${formatMoneyText(m)}` : formatMoneyText(m);
}

/** Hundredths → `12.34`, tenths → `12.3`: a non-negative scaled integer as a decimal. */
function scaledText(value: bigint, places: number): string {
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(places + 1, '0');
  return `${negative ? MINUS : ''}${groupThousands(text.slice(0, text.length - places))}.${text.slice(text.length - places)}`;
}

/**
 * The change from `previous` to `current` in percent of `previous`, one decimal, rounded half-even:
 * `+12.5 %`, `−3.0 %`, `0.0 %`. Undefined when `previous` is zero (no percentage of nothing).
 */
export function percentChange(current: bigint, previous: bigint): string | undefined {
  if (previous === 0n) return undefined;
  const base = previous < 0n ? -previous : previous;
  const tenths = roundHalfEven((current - previous) * 1000n, base);
  return `${tenths > 0n ? '+' : ''}${scaledText(tenths, 1)} %`;
}

/** part / whole in percent, two decimals, half-even (`45.50`); `0.00` of a zero whole. */
export function percentOfWhole(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0.00';
  return scaledText(roundHalfEven(part * 10_000n, whole), 2);
}

/** The same ratio as a number 0–100 for drawing only (a bar's width), never for a printed figure. */
export function shareForDrawing(part: bigint, whole: bigint): number {
  if (whole <= 0n || part <= 0n) return 0;
  return Number((part * 10_000n) / whole) / 100;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `December 2026` (English, as the rest of the API). */
export function monthTitle(m: YearMonth): string {
  return `${MONTHS[m.month - 1]} ${m.year}`;
}

/** `2026-12`. */
export function monthKey(m: YearMonth): string {
  return `${String(m.year).padStart(4, '0')}-${String(m.month).padStart(2, '0')}`;
}

/** `2026-12-05` → `5 Dec 2026`. */
export function dayText(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1]!.slice(0, 3)} ${Number(y)}`;
}

/**
 * At most `max` characters (code points, so an emoji is never cut in half), an ellipsis marking a
 * cut: for the chart's labels, where a long name would run into its bar. Tables wrap instead.
 */
export function truncate(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}
