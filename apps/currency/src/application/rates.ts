import { localDate, readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import { crossConvertMoney, crossRate, listCurrencies as isoCurrencies, MAX_STORED_MINOR, MIN_STORED_MINOR, type Money } from '@finance/money';
import { requireCurrencyCode } from '../domain/currency-code.js';
import { errors, FieldErrors } from '../domain/errors.js';
import { requireUsableRate, type UsableRate } from '../domain/rate-history.js';
import type { CurrencyContext } from './context.js';

/** Significant digits of a displayed cross rate (GetRates, Convert's `rate`); conversions use the published values. */
export const DISPLAY_SIGNIFICANT_DIGITS = 10;

export interface CurrencyView {
  code: string;
  name: string;
  minorUnits: number;
  hasRates: boolean;
}

/** The ISO 4217 table of @finance/money (active currencies), each saying whether the ECB publishes (or published) it. */
export function listCurrencies(ctx: CurrencyContext): CurrencyView[] {
  return isoCurrencies().map((c) => ({ code: c.code, name: c.name, minorUnits: c.minorUnits, hasRates: ctx.history.hasRates(c.code) }));
}

const today = (ctx: CurrencyContext) => localDate(ctx.now(), 'UTC');

/** The optional `date` field: absent = today (UTC); impossible parts → CURRENCY_INVALID_FIELDS on `date`. */
function dateOrToday(ctx: CurrencyContext, value: CalendarDate | undefined): IsoDate {
  const problems = new FieldErrors();
  const date = readDateField(problems, 'date', value, 'optional');
  problems.throwIfAny();
  return date ?? today(ctx);
}

export interface RatesAnswer {
  base: string;
  date: IsoDate;
  /** The published day the rates come from (the last on or before `date`). */
  rateDate: IsoDate;
  /** 1 base = rates[code] code, rounded for display; the base itself is not listed. */
  rates: Record<string, string>;
}

/**
 * The rates of `base` against every active ISO currency with a usable rate on `date` (crossed
 * through EUR). Withdrawn currencies the ECB used to publish (CYP, HRK, BGN, …) are left out: no
 * amount can be in them. `base` without a usable rate → RATE_UNAVAILABLE.
 */
export function getRates(ctx: CurrencyContext, input: { base: string; date?: CalendarDate | undefined }): RatesAnswer {
  const base = requireCurrencyCode(input.base, 'base').code;
  const date = dateOrToday(ctx, input.date);
  const eurToBase = requireUsableRate(ctx.history, base, date, ctx.maxStaleDays).value;
  const table = ctx.history.table(date, ctx.maxStaleDays);
  // A base with a usable rate (or EUR) on a day with a table; EUR before 1999 has none.
  if (table.rateDate === undefined) throw errors.rateUnavailable(`No exchange rates for ${base} on ${date}: the European Central Bank's first reference rates are of ${ctx.history.firstDay ?? '1999-01-04'}.`);
  const rates: Record<string, string> = {};
  for (const c of isoCurrencies()) {
    if (c.code === base) continue;
    const eurTo = c.code === 'EUR' ? '1' : table.rates.get(c.code)?.value;
    if (eurTo !== undefined) rates[c.code] = crossRate(eurToBase, eurTo, DISPLAY_SIGNIFICANT_DIGITS);
  }
  return { base, date, rateDate: table.rateDate, rates };
}

export interface ConvertAnswer {
  converted: Money;
  /** 1 unit of the source = rate units of the target (rounded for display). */
  rate: string;
  /** The published day whose rates were used; the date itself for a same-currency "conversion". */
  rateDate: IsoDate;
}

/**
 * `amount` in `toCurrency` at the rates usable on `date` (absent: today, UTC): crossed through EUR
 * and rounded once, half-even, to the target's minor units (crossConvertMoney). The same currency
 * is the amount itself at rate "1". No usable rate for either side → RATE_UNAVAILABLE.
 */
export function convert(
  ctx: CurrencyContext,
  input: { amount?: { minorUnits: string; currency: string } | undefined; toCurrency: string; date?: CalendarDate | undefined },
): ConvertAnswer {
  const problems = new FieldErrors();
  let minor: bigint | undefined;
  if (!input.amount) problems.add('amount', 'is required');
  else if (!/^-?\d{1,19}$/.test(input.amount.minorUnits) || BigInt(input.amount.minorUnits) < MIN_STORED_MINOR || BigInt(input.amount.minorUnits) > MAX_STORED_MINOR) {
    problems.add('amount.minor_units', 'must be an integer count of minor units within the 64-bit range');
  } else minor = BigInt(input.amount.minorUnits);
  problems.throwIfAny();
  const from = requireCurrencyCode(input.amount!.currency, 'amount.currency').code;
  const to = requireCurrencyCode(input.toCurrency, 'to_currency').code;
  const date = dateOrToday(ctx, input.date);
  const amount: Money = { minor: minor!, currency: from };
  if (from === to) return { converted: amount, rate: '1', rateDate: date };
  const eurToFrom = requireUsableRate(ctx.history, from, date, ctx.maxStaleDays);
  const eurToTo = requireUsableRate(ctx.history, to, date, ctx.maxStaleDays);
  const converted = crossConvertMoney(amount, eurToFrom.value, eurToTo.value, to);
  if (converted.minor < MIN_STORED_MINOR || converted.minor > MAX_STORED_MINOR) {
    throw errors.invalidField('amount', `is too large: converted to ${to} it would not fit a 64-bit count of minor units`);
  }
  return { converted, rate: crossRate(eurToFrom.value, eurToTo.value, DISPLAY_SIGNIFICANT_DIGITS), rateDate: ctx.history.tableDay(date)! };
}

export interface RateTableAnswer {
  /** The day asked for (the latest published day when none was). */
  date: IsoDate;
  /** The table's day: the last published day on or before `date`; undefined before the first one. */
  rateDate: IsoDate | undefined;
  /** The latest day the service has at all. */
  latestDate: IsoDate | undefined;
  /** Every currency with a usable rate on `date` as published (stale ones left out), EUR not included. */
  rates: Map<string, UsableRate>;
  maxStaleDays: number;
}

/**
 * The EUR table usable on `date` (absent: the latest published day), as converting services cache
 * it. Every currency the ECB published is in it, withdrawn ones included (the table is the ECB's);
 * a date before the first published day answers an empty table without `rateDate`.
 */
export function getRateTable(ctx: CurrencyContext, input: { date?: CalendarDate | undefined }): RateTableAnswer {
  const problems = new FieldErrors();
  const asked = readDateField(problems, 'date', input.date, 'optional');
  problems.throwIfAny();
  const latestDate = ctx.history.latestDay;
  const date = asked ?? latestDate ?? today(ctx);
  const table = ctx.history.table(date, ctx.maxStaleDays);
  return { date, rateDate: table.rateDate, latestDate, rates: table.rates, maxStaleDays: ctx.maxStaleDays };
}
