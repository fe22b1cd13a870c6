import { describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { isoDate, type IsoDate } from '@finance/calendar';
import { crossConvertMoney, type Money } from '@finance/money';
import { DomainError } from '@finance/platform';
import { convertSums, rateUnavailable, type RateBook } from './index.js';

// convertSums over a strict fake RateBook: the rate book's own rules (ECB tables, cache) are
// rate-book.test.ts's; here, what is asked, what comes back and how failures end the answer.

/** Real ECB rows (EUR 1 = value) of two days; KWD was never published. */
const ECB: Record<string, Record<string, string>> = {
  '2026-03-02': { USD: '1.1698', JPY: '184.19', GBP: '0.8739' },
  '2026-03-09': { USD: '1.1555', JPY: '183.15', GBP: '0.8653' },
};

interface FakeBook extends RateBook {
  asked: string[];
}

/**
 * Converts from ECB like the real book (crossed through EUR, rounded once half-even); `delays`
 * holds each "CUR@day" back that many ms, `failures` makes it fail with that error.
 */
function fakeBook(options: { delays?: Record<string, number>; failures?: Record<string, Error> } = {}): FakeBook {
  const asked: string[] = [];
  return {
    asked,
    async convert(m: Money, to: string, date: IsoDate) {
      const key = `${m.currency}@${date}`;
      asked.push(`${key}>${to}`);
      const delay = options.delays?.[key];
      if (delay) await sleep(delay);
      const failure = options.failures?.[key];
      if (failure) throw failure;
      const eurTo = (code: string) => {
        const value = code === 'EUR' ? '1' : ECB[date]?.[code];
        if (value === undefined) throw rateUnavailable(code, date);
        return value;
      };
      return { converted: crossConvertMoney(m, eurTo(m.currency), eurTo(to), to), rate: 'unused', rateDate: date };
    },
  };
}

const d = (text: string) => isoDate(text);
const sum = (day: string, currency: string, minor: bigint, category = 'food') => ({ day: d(day), currency, minor, category });
const unavailable = () => new DomainError('unavailable', 'CURRENCY_UNAVAILABLE', 'The currency service is unavailable.');

describe('convertSums', () => {
  test('sums already in `to` come back as they are, and nothing is asked', async () => {
    const book = fakeBook();
    const sums = [sum('2026-03-02', 'USD', 100n), sum('2026-03-09', 'USD', 200n, 'rent')];
    expect(await convertSums(book, 'USD', sums)).toEqual(sums);
    expect(await convertSums(book, 'USD', [])).toEqual([]);
    expect(book.asked).toEqual([]);
  });

  test("each foreign sum at its own day's rate, rounded once half-even; other fields and the order kept; sums in `to` ask nothing", async () => {
    const book = fakeBook();
    const out = await convertSums(book, 'USD', [
      // 10.00 EUR × 1.1698 = 11.698 → 11.70 (03-02); × 1.1555 = 11.555 → 11.56 (a tie: to the even cent, 03-09)
      sum('2026-03-02', 'EUR', 1000n, 'food'),
      sum('2026-03-02', 'USD', 44n, 'rent'),
      sum('2026-03-09', 'EUR', 1000n, 'rent'),
      // 5000 JPY / 184.19 × 1.1698 = 31.7553… → 31.76
      sum('2026-03-02', 'JPY', 5000n, 'fun'),
    ]);
    expect(out).toEqual([
      sum('2026-03-02', 'USD', 1170n, 'food'),
      sum('2026-03-02', 'USD', 44n, 'rent'),
      sum('2026-03-09', 'USD', 1156n, 'rent'),
      sum('2026-03-02', 'USD', 3176n, 'fun'),
    ]);
    expect(book.asked).toEqual(['EUR@2026-03-02>USD', 'EUR@2026-03-09>USD', 'JPY@2026-03-02>USD']);
  });

  test('rounding is per sum: three 1 JPY sums are 0.01 USD each, one 3 JPY sum is 0.02 USD', async () => {
    const three = await convertSums(fakeBook(), 'USD', [sum('2026-03-02', 'JPY', 1n), sum('2026-03-09', 'JPY', 1n), sum('2026-03-02', 'JPY', 1n, 'rent')]);
    expect(three.reduce((acc, s) => acc + s.minor, 0n)).toBe(3n);
    expect((await convertSums(fakeBook(), 'USD', [sum('2026-03-02', 'JPY', 3n)]))[0]!.minor).toBe(2n);
  });

  test('a currency without a usable rate on its day stays as it was (for the caller to leave out); the others are converted', async () => {
    const out = await convertSums(fakeBook(), 'GBP', [sum('2026-03-02', 'KWD', 5000n), sum('2026-03-02', 'USD', 1000n), sum('1998-12-31', 'USD', 700n)]);
    // 10.00 USD / 1.1698 × 0.8739 = 7.4705… → 7.47 GBP
    expect(out).toEqual([sum('2026-03-02', 'KWD', 5000n), sum('2026-03-02', 'GBP', 747n), sum('1998-12-31', 'USD', 700n)]);
  });

  test('any other failure fails the whole answer, never a partial one', async () => {
    const book = fakeBook({ failures: { 'EUR@2026-03-09': unavailable() } });
    await expect(convertSums(book, 'USD', [sum('2026-03-02', 'EUR', 100n), sum('2026-03-09', 'EUR', 100n)])).rejects.toMatchObject({ code: 'CURRENCY_UNAVAILABLE' });
  });

  test('the failure of the first failing sum in order is the answer, not the fastest one', async () => {
    const book = fakeBook({
      delays: { 'EUR@2026-03-02': 30 },
      failures: { 'EUR@2026-03-02': new DomainError('deadline', 'CURRENCY_DEADLINE_EXCEEDED', 'late'), 'GBP@2026-03-02': unavailable() },
    });
    await expect(convertSums(book, 'USD', [sum('2026-03-02', 'EUR', 100n), sum('2026-03-02', 'GBP', 100n)])).rejects.toMatchObject({ code: 'CURRENCY_DEADLINE_EXCEEDED' });
  });

  test('it answers only once every conversion has settled: none is still running when a failure goes out', async () => {
    let finished = false;
    const slow = fakeBook({ delays: { 'EUR@2026-03-09': 30 }, failures: { 'GBP@2026-03-02': unavailable() } });
    const book: RateBook = {
      async convert(m, to, date) {
        const out = await slow.convert(m, to, date);
        if (m.currency === 'EUR') finished = true;
        return out;
      },
    };
    await expect(convertSums(book, 'USD', [sum('2026-03-02', 'GBP', 100n), sum('2026-03-09', 'EUR', 100n)])).rejects.toMatchObject({ code: 'CURRENCY_UNAVAILABLE' });
    expect(finished).toBe(true);
  });
});
