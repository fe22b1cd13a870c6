import { describe, expect, test } from '@jest/globals';
import { isoDate, type IsoDate } from '@finance/calendar';
import type { PublishedRates } from './published-rates.js';
import { RateHistory } from './rate-history.js';

const rates = (...entries: [string, string, string][]): PublishedRates => ({
  day: entries.map(([d]) => d as IsoDate),
  currency: entries.map(([, c]) => c),
  value: entries.map(([, , v]) => v),
});
const d = isoDate;

describe('RateHistory', () => {
  test('adds in any order, keeps the first value of a (day, currency), counts only new entries', () => {
    const h = new RateHistory();
    expect(h.add(rates(['2024-01-05', 'USD', '1.0950'], ['2024-01-03', 'USD', '1.0919'], ['2024-01-04', 'USD', '1.0953']))).toBe(3);
    expect(h.add(rates(['2024-01-04', 'USD', '9.9999'], ['2024-01-08', 'USD', '1.0945']))).toBe(1);
    expect(h.size).toBe(4);
    expect(h.dayCount).toBe(4);
    expect(h.lookup('USD', d('2024-01-04'), 14)).toEqual({ usable: true, value: '1.0953', published: '2024-01-04' });
    expect(h.lookup('USD', d('2024-01-07'), 14)).toEqual({ usable: true, value: '1.0950', published: '2024-01-05' });
    // A gap filled later (a day older than the latest held).
    expect(h.add(rates(['2024-01-02', 'USD', '1.0956']))).toBe(1);
    expect(h.lookup('USD', d('2024-01-02'), 14)).toMatchObject({ value: '1.0956' });
    expect([h.firstDay, h.latestDay]).toEqual(['2024-01-02', '2024-01-08']);
  });

  test('never published, before the first rate', () => {
    const h = new RateHistory();
    h.add(rates(['2024-01-03', 'USD', '1.0919']));
    expect(h.lookup('KWD', d('2024-01-03'), 14)).toEqual({ usable: false, reason: 'never' });
    expect(h.lookup('USD', d('2024-01-02'), 14)).toEqual({ usable: false, reason: 'before_first', first: '2024-01-03' });
    expect(h.lookup('EUR', d('2024-01-04'), 14)).toEqual({ usable: true, value: '1', published: '2024-01-03' });
    expect(h.hasRates('USD') && h.hasRates('EUR') && !h.hasRates('KWD')).toBe(true);
  });

  test('a stopped currency is stale after maxStaleDays while others go on; a date after the latest day counts as the latest day', () => {
    const h = new RateHistory();
    h.add(rates(['2022-03-01', 'RUB', '117.2678'], ['2022-03-01', 'USD', '1.1162'], ['2022-03-16', 'USD', '1.0994'], ['2022-04-01', 'USD', '1.1066']));
    expect(h.lookup('RUB', d('2022-03-15'), 14)).toMatchObject({ usable: true, published: '2022-03-01' });
    expect(h.lookup('RUB', d('2022-03-16'), 14)).toEqual({ usable: false, reason: 'stopped', last: '2022-03-01' });
    expect(h.lookup('RUB', d('2022-03-16'), 15)).toMatchObject({ usable: true });
    // USD's last day is the latest day: asked a year later it is still the latest table, not stale.
    expect(h.lookup('USD', d('2023-04-01'), 14)).toEqual({ usable: true, value: '1.1066', published: '2022-04-01' });
    const table = h.table(d('2023-04-01'), 14);
    expect(table.rateDate).toBe('2022-04-01');
    expect([...table.rates.keys()]).toEqual(['USD']);
  });

  test('when nobody published after a currency\'s last day, it is not stale however far the date', () => {
    const h = new RateHistory();
    h.add(rates(['2022-03-01', 'RUB', '117.2678'], ['2022-03-01', 'USD', '1.1162']));
    expect(h.lookup('RUB', d('2030-01-01'), 14)).toMatchObject({ usable: true, published: '2022-03-01' });
  });

  test('an empty history has no table', () => {
    const h = new RateHistory();
    expect(h.table(d('2024-01-01'), 14)).toEqual({ rateDate: undefined, rates: new Map() });
    expect(h.latestDay).toBeUndefined();
  });
});
