// The rules against the European Central Bank's file itself: ../shared/data/rates/eurofxref-hist.csv
// (beside the repository, as on every developer machine and in CI) is read here with a parser of
// this test's own, and the service's answers, built from the bundled copy, must agree with it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { DomainError } from '@finance/platform/errors';
import { parseEcbHistoryCsv } from '../domain/published-rates.js';
import { RateHistory } from '../domain/rate-history.js';
import { BUNDLED_RATES_FILE } from '../persistence/bundled-rates.js';
import type { CurrencyContext } from './context.js';
import { convert, getRates, getRateTable } from './rates.js';

const SHARED_FILE = resolve(import.meta.dirname, '../../../../../shared/data/rates/eurofxref-hist.csv');
const shared = readFileSync(SHARED_FILE, 'utf8');

/** The file as this test reads it: day → currency → cell, days newest first. */
const oracle = (() => {
  const [header, ...lines] = shared.trimEnd().split('\n');
  const codes = header!.split(',').slice(1, -1);
  const byDay = new Map<string, Map<string, string>>();
  for (const line of lines) {
    const cells = line.split(',');
    byDay.set(cells[0]!, new Map(codes.map((c, i) => [c, cells[i + 1]!])));
  }
  const days = [...byDay.keys()].sort();
  /** The file's row of `date` or, when it has none, of the last earlier day. */
  const rowOn = (date: string) => {
    const day = days.filter((d) => d <= date).at(-1)!;
    return { day, cells: byDay.get(day)! };
  };
  return { days, rowOn };
})();

const history = new RateHistory();
history.add(parseEcbHistoryCsv(readFileSync(BUNDLED_RATES_FILE, 'utf8')).rates);
const ctx: CurrencyContext = { history, maxStaleDays: 14, now: () => new Date('2026-12-05T12:00:00Z') };

const date = (iso: string) => {
  const d = isoDate(iso);
  return { year: Number(d.slice(0, 4)), month: Number(d.slice(5, 7)), day: Number(d.slice(8, 10)) };
};
const fromEur = (to: string, iso: string) => convert(ctx, { amount: { minorUnits: '100000000', currency: 'EUR' }, toCurrency: to, date: date(iso) });

function failure(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

test('the bundled file is the ECB file of ../shared, byte for byte (sha256 of data/SOURCES.md)', () => {
  const bundled = readFileSync(BUNDLED_RATES_FILE);
  expect(bundled.equals(readFileSync(SHARED_FILE))).toBe(true);
  expect(createHash('sha256').update(bundled).digest('hex')).toBe('729e74c341288f4b07251fddcd8e5b604964e7b2d775920e442ba4dcf2e4ce4c');
  expect(history.dayCount).toBe(oracle.days.length);
  expect(history.firstDay).toBe('1999-01-04');
  expect(history.latestDay).toBe('2026-04-13');
});

describe('the rate of a day is the file value of that day, or of the last earlier published day', () => {
  // [date, the published day used]: weekdays, weekends, 25 Dec, 1 Jan, Easter, 1 May, a leap day, after the end.
  test.each([
    ['1999-01-04', '1999-01-04'], // Mon: the first published day
    ['1999-12-25', '1999-12-24'], // Sat, Christmas
    ['2000-01-01', '1999-12-30'], // Sat, New Year: 31 Dec 1999 had no fixing either
    ['2001-04-13', '2001-04-12'], // Good Friday
    ['2002-05-01', '2002-04-30'], // Labour Day
    ['2003-12-26', '2003-12-24'], // Boxing Day, after Christmas
    ['2004-02-29', '2004-02-27'], // Sun, leap day
    ['2005-04-01', '2005-04-01'], // Fri
    ['2007-12-31', '2007-12-31'], // Mon
    ['2008-01-01', '2007-12-31'], // New Year
    ['2010-07-14', '2010-07-14'], // Wed
    ['2012-12-25', '2012-12-24'], // Christmas on a Tuesday
    ['2014-01-01', '2013-12-31'], // New Year on a Wednesday
    ['2016-03-28', '2016-03-24'], // Easter Monday (Good Friday closed too)
    ['2018-06-16', '2018-06-15'], // Sat
    ['2020-03-16', '2020-03-16'], // Mon
    ['2021-12-24', '2021-12-24'], // Christmas Eve, published
    ['2024-01-01', '2023-12-29'], // New Year on a Monday, after a weekend
    ['2025-12-25', '2025-12-24'], // Christmas on a Thursday
    ['2026-04-13', '2026-04-13'], // the file's last day
    ['2026-12-05', '2026-04-13'], // after the latest day: the latest day
  ])('%s uses %s', (asked, used) => {
    const row = oracle.rowOn(asked);
    expect(row.day).toBe(used); // the test's reading of the file agrees with the dates written here
    for (const code of ['USD', 'JPY', 'GBP', 'CHF', 'SEK']) {
      const answer = fromEur(code, asked);
      expect(answer.rateDate).toBe(used);
      // From EUR the displayed rate is the published value itself.
      expect(answer.rate).toBe(row.cells.get(code));
      expect(history.lookup(code, isoDate(asked), 14)).toEqual({ usable: true, value: row.cells.get(code), published: used });
    }
    const table = getRateTable(ctx, { date: date(asked) });
    expect(table.rateDate).toBe(used);
    for (const [code, cell] of row.cells) {
      if (cell === 'N/A') continue;
      expect(table.rates.get(code)).toEqual({ value: cell, published: used });
    }
  });
});

describe('cross rates go through EUR', () => {
  test.each([
    // [date, amount, from, to, expected]: amount × eurTo / eurFrom, exact, rounded once half-even (computed apart)
    ['2026-04-13', '10000', 'GBP', 'JPY', '21451'], // 100 × 186.75 / 0.87058 = 21451.216…
    ['2026-04-13', '10000', 'USD', 'CHF', '7910'], // 100 × 0.9242 / 1.1684 = 79.0996…
    ['2008-09-15', '123456', 'GBP', 'JPY', '233042'], // 1234.56 × 149.87 / 0.79395 = 233041.762…
    ['2008-09-15', '123456', 'USD', 'CHF', '138741'], // 1234.56 × 1.5903 / 1.4151 = 1387.4078…
    ['2016-06-24', '123456', 'GBP', 'JPY', '173114'], // 1234.56 × 113.23 / 0.8075 = 173113.596…
    ['2016-06-26', '123456', 'USD', 'CHF', '120578'], // a Sunday: Friday 24th's rates, 1205.7767…
  ])('%s: %s %s → %s %s', (day, minor, from, to, expected) => {
    const answer = convert(ctx, { amount: { minorUnits: minor, currency: from }, toCurrency: to, date: date(day) });
    expect(answer.converted).toEqual({ minor: BigInt(expected), currency: to });
  });

  test('the displayed cross rate is eurTo / eurFrom at 10 significant digits', () => {
    const answer = convert(ctx, { amount: { minorUnits: '100', currency: 'GBP' }, toCurrency: 'JPY', date: date('2026-04-13') });
    expect(answer.rate).toBe('214.5121643');
    const rates = getRates(ctx, { base: 'USD', date: date('2026-04-13') });
    expect(rates).toMatchObject({ base: 'USD', date: '2026-04-13', rateDate: '2026-04-13' });
    expect(rates.rates).toMatchObject({ EUR: '0.855871277', JPY: '159.833961', GBP: '0.7451044163', CHF: '0.7909962342' });
    expect(rates.rates.USD).toBeUndefined();
    // Only active ISO currencies: BGN (withdrawn 2026) and CYP (2008) are not offered, even on days the ECB published them.
    const old = getRates(ctx, { base: 'EUR', date: date('2005-06-01') });
    expect(old.rates).toMatchObject({ USD: oracle.rowOn('2005-06-01').cells.get('USD') });
    expect(Object.keys(old.rates)).not.toContain('CYP');
    expect(Object.keys(old.rates)).not.toContain('BGN');
  });
});

describe('rounding to the target currency, half-even', () => {
  test.each([
    // EUR → JPY at 186.75 (2026-04-13): JPY has no minor unit
    ['200', 'JPY', '374'], // 373.5: tie → even 374
    ['600', 'JPY', '1120'], // 1120.5: tie → even 1120
    ['201', 'JPY', '375'], // 375.3675
    // EUR → USD at 1.1684: cents
    ['1250', 'USD', '1460'], // 14.605: tie → 14.60
    ['3750', 'USD', '4382'], // 43.815: tie → 43.82
    ['-1250', 'USD', '-1460'], // negatives are symmetric
  ])('%s EUR minor → %s: %s', (minor, to, expected) => {
    const answer = convert(ctx, { amount: { minorUnits: minor, currency: 'EUR' }, toCurrency: to, date: date('2026-04-13') });
    expect(answer.converted).toEqual({ minor: BigInt(expected), currency: to });
  });

  test('KWD (3 decimals) has never been published by the ECB: RATE_UNAVAILABLE, not 1:1', () => {
    expect(oracle.rowOn('2026-04-13').cells.has('KWD')).toBe(false);
    const err = failure(() => convert(ctx, { amount: { minorUnits: '1000', currency: 'EUR' }, toCurrency: 'KWD', date: date('2026-04-13') }));
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'RATE_UNAVAILABLE' });
    expect(err.message).toContain('KWD');
    expect(err.message).toContain('2026-04-13');
  });
});

describe('no usable rate → RATE_UNAVAILABLE naming the currency and the date', () => {
  test('RUB: usable on its last day 2022-03-01 and up to 14 days after; stale after that', () => {
    expect(fromEur('RUB', '2022-03-01')).toMatchObject({ rate: oracle.rowOn('2022-03-01').cells.get('RUB'), rateDate: '2022-03-01' });
    expect(fromEur('RUB', '2022-03-15')).toMatchObject({ rate: oracle.rowOn('2022-03-01').cells.get('RUB'), rateDate: '2022-03-15' });
    const stale = failure(() => fromEur('RUB', '2022-03-16'));
    expect(stale.code).toBe('RATE_UNAVAILABLE');
    const err = failure(() => convert(ctx, { amount: { minorUnits: '100', currency: 'RUB' }, toCurrency: 'EUR', date: date('2024-01-10') }));
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'RATE_UNAVAILABLE' });
    expect(err.message).toMatch(/RUB.*2024-01-10.*2022-03-01/);
    expect(getRateTable(ctx, { date: date('2024-01-10') }).rates.has('RUB')).toBe(false);
    expect(getRateTable(ctx, { date: date('2022-03-10') }).rates.get('RUB')).toEqual({ value: oracle.rowOn('2022-03-01').cells.get('RUB'), published: '2022-03-01' });
  });

  test('ISK: suspended from 2008-12-09 to 2018-02-01, usable again after', () => {
    expect(failure(() => fromEur('ISK', '2012-06-01')).code).toBe('RATE_UNAVAILABLE');
    expect(fromEur('ISK', '2018-02-01').rate).toBe(oracle.rowOn('2018-02-01').cells.get('ISK'));
  });

  test('a date before 1999-01-04, the first published day', () => {
    const err = failure(() => fromEur('USD', '1998-12-31'));
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'RATE_UNAVAILABLE' });
    expect(err.message).toMatch(/USD.*1998-12-31.*1999-01-04/);
    expect(failure(() => getRates(ctx, { base: 'EUR', date: date('1999-01-03') })).code).toBe('RATE_UNAVAILABLE');
    expect(getRateTable(ctx, { date: date('1999-01-03') })).toMatchObject({ rateDate: undefined, latestDate: '2026-04-13', rates: new Map() });
  });

  test('a currency before its first rate (CNY from 2005-04-01)', () => {
    expect(failure(() => fromEur('CNY', '2005-03-31')).message).toMatch(/CNY.*2005-03-31.*2005-04-01/);
    expect(fromEur('CNY', '2005-04-01').rate).toBe(oracle.rowOn('2005-04-01').cells.get('CNY'));
  });
});

describe('requests', () => {
  test('the same currency is rate 1, any date', () => {
    expect(convert(ctx, { amount: { minorUnits: '1234', currency: 'KWD' }, toCurrency: 'KWD', date: date('1990-01-01') })).toEqual({
      converted: { minor: 1234n, currency: 'KWD' },
      rate: '1',
      rateDate: '1990-01-01',
    });
  });

  test.each([
    [{ base: 'usd' }, 'base', /upper case.*USD/],
    [{ base: 'XYZ' }, 'base', /not an active ISO 4217/],
    [{ base: '' }, 'base', /required/],
  ])('GetRates %j → CURRENCY_UNKNOWN on %s', (input, path, message) => {
    const err = failure(() => getRates(ctx, input));
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'CURRENCY_UNKNOWN' });
    expect(err.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  test('Convert names the bad field', () => {
    const amount = { minorUnits: '100', currency: 'EUR' };
    expect(failure(() => convert(ctx, { amount, toCurrency: 'jpy' })).errors).toEqual([{ path: 'to_currency', message: expect.stringContaining('JPY') }]);
    expect(failure(() => convert(ctx, { amount: { ...amount, currency: 'eur' }, toCurrency: 'JPY' })).errors).toEqual([{ path: 'amount.currency', message: expect.any(String) }]);
    expect(failure(() => convert(ctx, { amount: { ...amount, minorUnits: '1.5' }, toCurrency: 'JPY' })).code).toBe('CURRENCY_INVALID_FIELDS');
    expect(failure(() => convert(ctx, { toCurrency: 'JPY' })).errors).toEqual([{ path: 'amount', message: 'is required' }]);
    expect(failure(() => convert(ctx, { amount, toCurrency: 'JPY', date: { year: 2026, month: 2, day: 30 } })).errors).toEqual([{ path: 'date', message: expect.any(String) }]);
  });

  test('no date = today (UTC), which is after the latest day: the latest table, said in rate_date', () => {
    expect(getRates(ctx, { base: 'EUR' })).toMatchObject({ date: '2026-12-05', rateDate: '2026-04-13' });
    expect(getRateTable(ctx, {})).toMatchObject({ date: '2026-04-13', rateDate: '2026-04-13', latestDate: '2026-04-13', maxStaleDays: 14 });
  });
});
