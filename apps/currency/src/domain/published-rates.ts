import { parseIsoDate, type IsoDate } from '@finance/calendar';

/**
 * EUR reference rates as published, one entry per (day, currency), in columns: `value[i]` units of
 * `currency[i]` were worth 1 EUR on `day[i]`. Columns rather than objects: the bundled history has
 * ~220,000 entries and goes to PostgreSQL as three arrays.
 */
export interface PublishedRates {
  day: IsoDate[];
  currency: string[];
  value: string[];
}

export const emptyRates = (): PublishedRates => ({ day: [], currency: [], value: [] });

/** The ECB's first reference rates are of 1999-01-04, the euro's first trading day. */
export const EURO_START = '1999-01-04' as IsoDate;

// A rate as the ECB writes it: digits, optionally a point and digits; no sign, exponent or separator.
const RATE = /^(0|[1-9]\d*)(\.\d+)?$/;
const CODE = /^[A-Z]{3}$/;
const MAX_RATE_DIGITS = 30;

/** A strictly positive plain decimal of at most 30 digits ("1.1684", "20082.05", "13168"). */
export function isRateValue(text: string): boolean {
  return RATE.test(text) && text.length <= MAX_RATE_DIGITS + 1 && /[1-9]/.test(text);
}

/** Three upper-case letters: the shape of an ISO 4217 code (the ECB also published withdrawn ones: CYP, ROL, ...). */
export function isRateCurrencyCode(text: string): boolean {
  return CODE.test(text) && text !== 'EUR';
}

/** Thrown when a provider's data is not what it should be; the message says where and what. */
export class MalformedRatesError extends Error {
  override name = 'MalformedRatesError';
}

/**
 * The ECB's wide history (eurofxref-hist.csv): a header `Date,USD,JPY,…,ZAR,` then one line per day
 * `YYYY-MM-DD,1.1684,186.75,…,`, every line ending with a comma (an empty last column), `N/A` where
 * a currency had no rate that day (not yet, or no longer, published). N/A cells become no entry.
 * Anything else out of place throws MalformedRatesError naming the line: the file is bundled, so a
 * bad one is a packaging mistake to stop at, not data to skip.
 */
export function parseEcbHistoryCsv(text: string): { rates: PublishedRates; days: number } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = lines[0]?.split(',') ?? [];
  if (header[0] !== 'Date' || header.at(-1) !== '') throw new MalformedRatesError('line 1: expected the header "Date,USD,JPY,…," (with a trailing comma)');
  const codes = header.slice(1, -1);
  codes.forEach((code, i) => {
    if (!isRateCurrencyCode(code)) throw new MalformedRatesError(`line 1, column ${i + 2}: ${JSON.stringify(code)} is not a currency code`);
  });
  if (new Set(codes).size !== codes.length) throw new MalformedRatesError('line 1: a currency appears twice');
  const rates = emptyRates();
  const seen = new Set<string>();
  for (let n = 1; n < lines.length; n++) {
    const cells = lines[n]!.split(',');
    if (cells.length !== header.length || cells.at(-1) !== '') {
      throw new MalformedRatesError(`line ${n + 1}: expected ${header.length} comma-separated cells like the header, got ${cells.length}`);
    }
    const day = parseIsoDate(cells[0]);
    if (day === undefined || day < EURO_START) throw new MalformedRatesError(`line ${n + 1}: ${JSON.stringify(cells[0])} is not a date from ${EURO_START} on`);
    if (seen.has(day)) throw new MalformedRatesError(`line ${n + 1}: ${day} appears twice`);
    seen.add(day);
    for (let c = 0; c < codes.length; c++) {
      const cell = cells[c + 1]!;
      if (cell === 'N/A') continue;
      if (!isRateValue(cell)) throw new MalformedRatesError(`line ${n + 1}, ${codes[c]}: ${JSON.stringify(cell)} is not a positive decimal rate`);
      rates.day.push(day);
      rates.currency.push(codes[c]!);
      rates.value.push(cell);
    }
  }
  return { rates, days: seen.size };
}

/** A provider's entry before checking: what the feed's text says. */
export interface RawRate {
  day: string;
  currency: string;
  value: string;
}

/**
 * A fetched feed checked as a whole: every day a real date from 1999-01-04 on and not after
 * `latestAllowed` (tomorrow: a feed from the future is broken), every currency three upper-case
 * letters (not EUR), every rate a positive plain decimal, no (day, currency) twice, at least one
 * entry. One bad entry refuses the whole feed (MalformedRatesError): half a day's table would
 * convert some currencies at a newer day than others.
 */
export function checkFeed(raw: readonly RawRate[], latestAllowed: IsoDate): PublishedRates {
  if (raw.length === 0) throw new MalformedRatesError('the feed has no rates');
  const rates = emptyRates();
  const seen = new Set<string>();
  raw.forEach((r, i) => {
    const where = `entry ${i + 1} (${JSON.stringify(r.day)}, ${JSON.stringify(r.currency)})`;
    const day = parseIsoDate(r.day);
    if (day === undefined || day < EURO_START || day > latestAllowed) throw new MalformedRatesError(`${where}: the day is not a date from ${EURO_START} to ${latestAllowed}`);
    if (!isRateCurrencyCode(r.currency)) throw new MalformedRatesError(`${where}: not a currency code`);
    if (!isRateValue(r.value)) throw new MalformedRatesError(`${where}: ${JSON.stringify(r.value)} is not a positive decimal rate`);
    const key = `${day} ${r.currency}`;
    if (seen.has(key)) throw new MalformedRatesError(`${where}: appears twice`);
    seen.add(key);
    rates.day.push(day);
    rates.currency.push(r.currency);
    rates.value.push(r.value);
  });
  return rates;
}
