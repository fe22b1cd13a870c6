import { fromCalendarDate, toCalendarDate, type IsoDate } from '@finance/calendar';
import { crossConvertMoney, crossRate, type Money } from '@finance/money';
import { DomainError, type ServiceClient } from '@finance/platform';
import type { currencyV1 } from '@finance/proto';

export type CurrencyClient = ServiceClient<typeof currencyV1.CurrencyServiceService>;

export interface Converted {
  converted: Money;
  /** 1 unit of the source = `rate` units of the target (for display: crossRate of @finance/money, 10 significant digits, half-even). */
  rate: string;
  /** The published day whose rates were used (the table's day: the last published day on or before the date). */
  rateDate: IsoDate;
}

export interface RateBook {
  /**
   * m in `to` at the ECB rates usable on `date` (the last published day on or before it), crossed
   * through EUR, rounded once half-even (crossConvertMoney from @finance/money). Same currency: m,
   * rate "1", rateDate = date. A currency without a usable rate: DomainError('invalid_argument',
   * 'RATE_UNAVAILABLE', message naming the currency and the date).
   */
  convert(m: Money, to: string, date: IsoDate): Promise<Converted>;
}

export interface RateBookOptions {
  /** How long a table for a date on or after the service's latest day is kept (default 10 min): a refresh may add a day. */
  latestTtlMs?: number;
  /** The clock of that expiry (tests pin it). */
  now?: () => Date;
  /** How many days' tables are kept at most (least recently used go first); default RATE_BOOK_CAPACITY. */
  capacity?: number;
}

export const RATE_UNAVAILABLE = 'RATE_UNAVAILABLE';
export const DEFAULT_LATEST_TTL_MS = 10 * 60 * 1000;
/** A few thousand days: ten years of daily transactions, a few hundred kilobytes. */
export const RATE_BOOK_CAPACITY = 4096;

/** The EUR table usable on one date, as GetRateTable answers it. */
interface RateTable {
  /** The published day the table comes from; undefined when there is none (a date before the first rate). */
  rateDate: IsoDate | undefined;
  /** EUR 1 = value code, as published; stale and never-published currencies are absent. */
  rates: ReadonlyMap<string, string>;
  /** Display rates computed so far, by "FROM>TO" (a report converts many sums of one pair and day). */
  displayRates: Map<string, string>;
}

interface Kept {
  table: RateTable;
  /** undefined = final (a date before the service's latest day never changes). */
  expiresAt: number | undefined;
}

export const rateUnavailable = (currency: string, date: IsoDate) =>
  new DomainError('invalid_argument', RATE_UNAVAILABLE, `No exchange rate for ${currency} is usable on ${date} (the ECB published none for it on or shortly before that day).`);

const EMPTY: RateTable = { rateDate: undefined, rates: new Map(), displayRates: new Map() };

/**
 * A RateBook over the currency service's GetRateTable, cached: the table of a date before the
 * service's latest_date never changes, so it is kept (bounded LRU of `capacity` days); a table for
 * a date on or after latest_date is kept for `latestTtlMs`, since a refresh may add a day.
 * Concurrent lookups of one date share one call. In the steady state a conversion asks nothing.
 */
export function createRateBook(client: CurrencyClient, options: RateBookOptions = {}): RateBook {
  const ttl = options.latestTtlMs ?? DEFAULT_LATEST_TTL_MS;
  const now = options.now ?? (() => new Date());
  const capacity = options.capacity ?? RATE_BOOK_CAPACITY;
  const kept = new Map<IsoDate, Kept>();
  const pending = new Map<IsoDate, Promise<RateTable>>();

  function keep(date: IsoDate, entry: Kept) {
    kept.delete(date);
    kept.set(date, entry);
    // Map order is insertion order: the first key is the least recently used.
    while (kept.size > capacity) kept.delete(kept.keys().next().value!);
  }

  async function fetchTable(date: IsoDate): Promise<RateTable> {
    let answer: currencyV1.GetRateTableResponse;
    try {
      answer = await client.getRateTable({ date: toCalendarDate(date) });
    } catch (err) {
      // A date before the first published day may be refused as such rather than answered empty:
      // the same verdict (no rate), and it never changes, but it is kept only as long as a latest table.
      if (err instanceof DomainError && err.code === RATE_UNAVAILABLE) {
        keep(date, { table: EMPTY, expiresAt: now().getTime() + ttl });
        return EMPTY;
      }
      throw err;
    }
    const table: RateTable = {
      rateDate: answer.rateDate && fromCalendarDate(answer.rateDate),
      rates: new Map(Object.entries(answer.rates).map(([code, entry]) => [code, entry.value])),
      displayRates: new Map(),
    };
    const latest = answer.latestDate && fromCalendarDate(answer.latestDate);
    keep(date, { table, expiresAt: latest !== undefined && date < latest ? undefined : now().getTime() + ttl });
    return table;
  }

  function tableFor(date: IsoDate): Promise<RateTable> {
    const hit = kept.get(date);
    if (hit && (hit.expiresAt === undefined || hit.expiresAt > now().getTime())) {
      keep(date, hit);
      return Promise.resolve(hit.table);
    }
    let call = pending.get(date);
    if (!call) {
      call = fetchTable(date).finally(() => pending.delete(date));
      pending.set(date, call);
    }
    return call;
  }

  return {
    async convert(m, to, date) {
      if (m.currency === to) return { converted: m, rate: '1', rateDate: date };
      const table = await tableFor(date);
      const eurTo = (code: string) => {
        if (code === 'EUR') return '1';
        // An empty table (no rateDate) has no currency either: the one that is not EUR is named.
        const value = table.rates.get(code);
        if (value === undefined) throw rateUnavailable(code, date);
        return value;
      };
      const eurToFrom = eurTo(m.currency);
      const eurToTo = eurTo(to);
      const pair = `${m.currency}>${to}`;
      let rate = table.displayRates.get(pair);
      if (rate === undefined) table.displayRates.set(pair, (rate = crossRate(eurToFrom, eurToTo)));
      return { converted: crossConvertMoney(m, eurToFrom, eurToTo, to), rate, rateDate: table.rateDate! };
    },
  };
}
