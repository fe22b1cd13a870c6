import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { checkFeed, isRateValue, MalformedRatesError, parseEcbHistoryCsv } from './published-rates.js';

const HEADER = 'Date,USD,JPY,CYP,\n';

describe('parseEcbHistoryCsv', () => {
  test('long format, N/A cells left out', () => {
    const { rates, days } = parseEcbHistoryCsv(`${HEADER}2008-01-02,1.4688,164.54,N/A,\n2007-12-31,1.4721,164.93,0.585274,\n`);
    expect(days).toBe(2);
    expect(rates).toEqual({
      day: ['2008-01-02', '2008-01-02', '2007-12-31', '2007-12-31', '2007-12-31'],
      currency: ['USD', 'JPY', 'USD', 'JPY', 'CYP'],
      value: ['1.4688', '164.54', '1.4721', '164.93', '0.585274'],
    });
  });

  test.each([
    ['USD,JPY,\n2008-01-02,1.4688,164.54,\n', /line 1/],
    ['Date,USD,JPY\n', /line 1/],
    [`Date,USD,usd,\n`, /line 1, column 3/],
    [`${HEADER}2008-01-02,1.4688,164.54,\n`, /line 2: expected 5/],
    [`${HEADER}2008-02-30,1.4688,164.54,N/A,\n`, /line 2: "2008-02-30"/],
    [`${HEADER}1998-12-31,1.4688,164.54,N/A,\n`, /line 2/],
    [`${HEADER}2008-01-02,1.4688,164.54,N/A,\n2008-01-02,1.4688,164.54,N/A,\n`, /line 3: 2008-01-02 appears twice/],
    [`${HEADER}2008-01-02,1.4688,-164.54,N/A,\n`, /line 2, JPY: "-164.54"/],
    [`${HEADER}2008-01-02,1.4688,,N/A,\n`, /line 2, JPY: ""/],
    [`${HEADER}2008-01-02,0,164.54,N/A,\n`, /line 2, USD: "0"/],
  ])('refuses %j', (text, message) => {
    expect(() => parseEcbHistoryCsv(text)).toThrow(MalformedRatesError);
    expect(() => parseEcbHistoryCsv(text)).toThrow(message);
  });
});

test.each([
  ['1.1684', true],
  ['20082.05', true],
  ['13168', true],
  ['0.58231', true],
  ['0', false],
  ['0.000', false],
  ['-1.2', false],
  ['1e3', false],
  ['01.5', false],
  ['1,5', false],
  ['.5', false],
  ['1.', false],
  [' 1.5', false],
  ['1'.repeat(40), false],
])('isRateValue(%j) = %s', (text, ok) => {
  expect(isRateValue(text)).toBe(ok);
});

describe('checkFeed', () => {
  const tomorrow = isoDate('2026-04-15');
  test('a good feed', () => {
    expect(checkFeed([{ day: '2026-04-14', currency: 'USD', value: '1.1701' }], tomorrow)).toEqual({ day: ['2026-04-14'], currency: ['USD'], value: ['1.1701'] });
  });

  test.each([
    [[], /no rates/],
    [[{ day: '2026-04-31', currency: 'USD', value: '1.1' }], /day/],
    [[{ day: '2026-04-16', currency: 'USD', value: '1.1' }], /day/], // after tomorrow
    [[{ day: '2026-04-14', currency: 'usd', value: '1.1' }], /currency code/],
    [[{ day: '2026-04-14', currency: 'EUR', value: '1' }], /currency code/],
    [[{ day: '2026-04-14', currency: 'USD', value: 'NaN' }], /positive decimal/],
    [[{ day: '2026-04-14', currency: 'USD', value: '1.1' }, { day: '2026-04-14', currency: 'USD', value: '1.2' }], /twice/],
  ])('refuses the whole feed %#', (raw, message) => {
    expect(() => checkFeed(raw, tomorrow)).toThrow(MalformedRatesError);
    expect(() => checkFeed(raw, tomorrow)).toThrow(message);
  });

  test('one bad entry among good ones refuses all of them', () => {
    const raw = [
      { day: '2026-04-14', currency: 'USD', value: '1.1701' },
      { day: '2026-04-14', currency: 'JPY', value: '-1' },
    ];
    expect(() => checkFeed(raw, tomorrow)).toThrow(/entry 2/);
  });
});
