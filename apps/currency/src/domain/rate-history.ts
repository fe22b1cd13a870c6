import { fromEpochDay, toEpochDay, type IsoDate } from '@finance/calendar';
import { errors } from './errors.js';
import type { PublishedRates } from './published-rates.js';

/** One currency's published EUR rates: days ascending (epoch days), values as published. */
interface Series {
  days: number[];
  values: string[];
}

/** A currency's EUR rate usable on a day: the value and the day it was published. */
export interface UsableRate {
  /** EUR 1 = value units of the currency, exactly as published ("1" for EUR). */
  value: string;
  published: IsoDate;
}

/** Why a currency has no usable rate on a day. */
export type Unusable =
  | { reason: 'never' }
  | { reason: 'before_first'; first: IsoDate }
  | { reason: 'stopped'; last: IsoDate };

export type RateLookup = ({ usable: true } & UsableRate) | ({ usable: false } & Unusable);

/** The EUR table usable on one date. */
export interface RateTable {
  /** The last published day on or before the date (any currency); undefined before the first one. */
  rateDate: IsoDate | undefined;
  /** Every currency with a usable rate on the date (EUR not included), by code. */
  rates: Map<string, UsableRate>;
}

const day = (epochDay: number) => fromEpochDay(epochDay)!;

/** The index of the last element ≤ x in ascending `sorted`, or -1. */
function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Every EUR reference rate the service has, in memory (the whole history: ~220,000 entries, a few
 * MB), and the rules that pick the rate of a day (API.md Version 4, the proto's comments):
 *
 * - a day without a published rate (weekend, holiday) uses the last earlier published day;
 * - a currency never published, or a day before its first rate, has none;
 * - a currency whose publication stopped (RUB after 2022-03-01) has none once its last published
 *   day lies more than `maxStaleDays` before the day asked for while other currencies were
 *   published after it; a day after the latest published day counts as that latest day, so
 *   missing refreshes never turn currencies stale, they merely keep the latest table in use.
 *
 * Past days never change, so answers need no database; `add` takes the days a refresh inserted.
 */
export class RateHistory {
  readonly #series = new Map<string, Series>();
  /** Every published day (any currency), ascending. */
  #days: number[] = [];
  #entries = 0;

  /** Entries (day, currency) held. */
  get size(): number {
    return this.#entries;
  }

  /** Published days held. */
  get dayCount(): number {
    return this.#days.length;
  }

  get firstDay(): IsoDate | undefined {
    return this.#days.length ? day(this.#days[0]!) : undefined;
  }

  get latestDay(): IsoDate | undefined {
    return this.#days.length ? day(this.#days.at(-1)!) : undefined;
  }

  /** Every currency ever published (EUR not included), sorted. */
  currencies(): string[] {
    return [...this.#series.keys()].sort();
  }

  /** The ECB publishes or published a rate for `code` (EUR: always). */
  hasRates(code: string): boolean {
    return code === 'EUR' || this.#series.has(code);
  }

  /**
   * Adds entries in any order; a (day, currency) already held keeps its first value (published
   * rates are never revised; the database keeps the first too: `on conflict do nothing`). Returns
   * how many were new. Each currency's entries are sorted once and appended when they all come
   * after what it holds (loads, refreshes); only gap-filling entries are inserted one by one.
   */
  add(rates: PublishedRates): number {
    const epochOf = new Map<string, number>();
    const buckets = new Map<string, { days: number[]; values: string[] }>();
    for (let i = 0; i < rates.day.length; i++) {
      const text = rates.day[i]!;
      let epoch = epochOf.get(text);
      if (epoch === undefined) {
        epoch = toEpochDay(text);
        epochOf.set(text, epoch);
      }
      const code = rates.currency[i]!;
      let bucket = buckets.get(code);
      if (!bucket) buckets.set(code, (bucket = { days: [], values: [] }));
      bucket.days.push(epoch);
      bucket.values.push(rates.value[i]!);
    }
    const newDays = new Set<number>();
    let added = 0;
    for (const [code, bucket] of buckets) {
      const order = [...bucket.days.keys()];
      if (!bucket.days.every((d, i) => i === 0 || bucket.days[i - 1]! < d)) order.sort((a, b) => bucket.days[a]! - bucket.days[b]! || a - b);
      let series = this.#series.get(code);
      if (!series) this.#series.set(code, (series = { days: [], values: [] }));
      for (const i of order) {
        const epoch = bucket.days[i]!;
        const last = series.days.length - 1;
        if (last < 0 || series.days[last]! < epoch) {
          series.days.push(epoch);
          series.values.push(bucket.values[i]!);
        } else {
          const at = lastAtOrBefore(series.days, epoch);
          if (at >= 0 && series.days[at] === epoch) continue;
          series.days.splice(at + 1, 0, epoch);
          series.values.splice(at + 1, 0, bucket.values[i]!);
        }
        newDays.add(epoch);
        added++;
      }
    }
    if (newDays.size) {
      const all = new Set(this.#days);
      for (const d of newDays) all.add(d);
      this.#days = [...all].sort((a, b) => a - b);
    }
    this.#entries += added;
    return added;
  }

  /** The last published day on or before `date`; undefined before the first. */
  tableDay(date: IsoDate): IsoDate | undefined {
    const at = lastAtOrBefore(this.#days, toEpochDay(date));
    return at < 0 ? undefined : day(this.#days[at]!);
  }

  /** The EUR rate of `code` usable on `date`, or why there is none. EUR itself is "1". */
  lookup(code: string, date: IsoDate, maxStaleDays: number): RateLookup {
    const asked = toEpochDay(date);
    const tableAt = lastAtOrBefore(this.#days, asked);
    if (code === 'EUR') return { usable: true, value: '1', published: tableAt < 0 ? date : day(this.#days[tableAt]!) };
    const series = this.#series.get(code);
    if (!series) return { usable: false, reason: 'never' };
    return this.#lookupIn(series, asked, tableAt, maxStaleDays);
  }

  #lookupIn(series: Series, asked: number, tableAt: number, maxStaleDays: number): RateLookup {
    const at = lastAtOrBefore(series.days, asked);
    if (at < 0) return { usable: false, reason: 'before_first', first: day(series.days[0]!) };
    const published = series.days[at]!;
    // Later days of other currencies on or before the day asked: the publication went on without it.
    const othersWentOn = this.#days[tableAt]! > published;
    // A day after the latest published day counts as the latest day (see the class comment).
    const effective = Math.min(asked, this.#days.at(-1)!);
    if (othersWentOn && effective - published > maxStaleDays) return { usable: false, reason: 'stopped', last: day(published) };
    return { usable: true, value: series.values[at]!, published: day(published) };
  }

  /** Every currency's usable rate on `date` (EUR not included) and the table's day. */
  table(date: IsoDate, maxStaleDays: number): RateTable {
    const asked = toEpochDay(date);
    const tableAt = lastAtOrBefore(this.#days, asked);
    const rates = new Map<string, UsableRate>();
    if (tableAt < 0) return { rateDate: undefined, rates };
    for (const [code, series] of this.#series) {
      const found = this.#lookupIn(series, asked, tableAt, maxStaleDays);
      if (found.usable) rates.set(code, { value: found.value, published: found.published });
    }
    return { rateDate: day(this.#days[tableAt]!), rates };
  }
}

/** The usable EUR rate of `code` on `date`, or RATE_UNAVAILABLE naming the currency, the date and why. */
export function requireUsableRate(history: RateHistory, code: string, date: IsoDate, maxStaleDays: number): UsableRate {
  const found = history.lookup(code, date, maxStaleDays);
  if (found.usable) return found;
  throw rateUnavailable(code, date, found, maxStaleDays);
}

export function rateUnavailable(code: string, date: IsoDate, why: Unusable, maxStaleDays: number) {
  switch (why.reason) {
    case 'never':
      return errors.rateUnavailable(`No exchange rate for ${code} on ${date}: the European Central Bank publishes no reference rate for ${code}.`);
    case 'before_first':
      return errors.rateUnavailable(`No exchange rate for ${code} on ${date}: the European Central Bank's first reference rate for ${code} is of ${why.first}.`);
    case 'stopped':
      return errors.rateUnavailable(
        `No exchange rate for ${code} on ${date}: the European Central Bank's last reference rate for ${code} is of ${why.last}, more than ${maxStaleDays} days earlier, while other currencies' rates went on.`,
      );
  }
}
