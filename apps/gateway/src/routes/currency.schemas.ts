import { formatMoney, getCurrency, money } from '@finance/money';
import type { commonV1, currencyV1, ledgerV1 } from '@finance/proto';
import { z } from 'zod';
import { component, doc, openApiRegistry } from '../openapi-registry.js';
import { ContractViolationError, isoDate } from './schemas.js';

// The currency service's table and rates (API.md, Version 4) as the REST API shows them, and the
// mapping from finance.currency.v1. The currency service decides rates, rounding and which days and
// currencies have a usable rate; the gateway refuses only what names no currency at all.

// ---------------------------------------------------------------------------------------------
// Fields of requests

const CODE = /^[A-Z]{3}$/;

/** Why `value` is not an ISO 4217 code as the API writes them, or undefined when it is one. */
function currencyCodeProblem(value: string): string | undefined {
  if (CODE.test(value) && getCurrency(value)) return undefined;
  // Codes are compared as written everywhere else (amounts are stored with upper-case codes), so
  // "eur" is refused with the code meant rather than folded.
  if (/^[a-z]{3}$/i.test(value) && getCurrency(value.toUpperCase())) return `must be upper case: "${value.toUpperCase()}"`;
  return `${JSON.stringify(value.slice(0, 20))} is not an ISO 4217 currency code (see GET /currencies), like "USD" or "EUR"`;
}

/**
 * An ISO 4217 code in upper case that the currency table knows (the table of `GET /currencies`):
 * shape and existence are checked here, so a typo is a 422 naming the field before any RPC. Whether
 * the ECB publishes a rate for it is the currency service's verdict (RATE_UNAVAILABLE).
 */
export const currencyCodeField = z.string().superRefine((value, ctx) => {
  const problem = currencyCodeProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
openApiRegistry.add(currencyCodeField, { pattern: CODE.source, examples: ['EUR'] });

// ---------------------------------------------------------------------------------------------
// Responses

const currency = (service: string) => (code: string, what: string) => {
  if (!getCurrency(code)) throw new ContractViolationError(`${service} returned ${what} ${JSON.stringify(code)}`);
  return code;
};
const currencyFrom = currency('currency');

// A rate as the currency service writes it: a plain positive decimal, never an exponent.
const RATE = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

function rateText(value: string, what: string): string {
  if (!RATE.test(value) || /^0(?:\.0+)?$/.test(value)) throw new ContractViolationError(`currency returned ${what} ${JSON.stringify(value)}`);
  return value;
}

const date = (value: commonV1.DateMessage | undefined, what: string, service = 'currency') => isoDate(value, what, service);

export const currencySchema = z.object({
  code: doc(z.string(), 'ISO 4217 alphabetic code, upper case'),
  name: doc(z.string(), 'The currency’s English name (ISO 4217)'),
  minor_units: doc(z.number().int(), 'Digits after the decimal point of its amounts: 2 for USD and EUR, 0 for JPY, 3 for KWD'),
  has_rates: doc(
    z.boolean(),
    'The European Central Bank publishes (or published) a euro reference rate for it, so amounts in it can be converted (EUR itself: true). ' +
      'Conversions to or from a currency without rates are refused with 422 RATE_UNAVAILABLE',
  ),
});
export type CurrencyResponse = z.output<typeof currencySchema>;

export const currencyListSchema = z.object({
  items: doc(z.array(currencySchema), 'Every active ISO 4217 currency, by code'),
});
export type CurrencyListResponse = z.output<typeof currencyListSchema>;

export const exchangeRatesSchema = z.object({
  base: doc(z.string(), 'The currency the rates are of (as asked)'),
  date: doc(z.iso.date(), 'The day asked for, YYYY-MM-DD (today in your time zone when `date` was not given)'),
  rate_date: doc(
    z.iso.date(),
    'The day the ECB published the rates used, YYYY-MM-DD: `date` itself, or the last earlier published day (weekends, holidays, and a `date` after ' +
      'the latest published day, the future included)',
  ),
  rates: doc(
    z.record(z.string(), z.string()),
    '1 `base` = `rates[CODE]` CODE, a decimal string, for every currency with a usable rate that day (`base` itself not listed), by code. Crossed ' +
      'through EUR from the ECB’s values and rounded half-even to 10 significant digits for display (from EUR: the ECB’s value exactly as published); ' +
      'conversions compute from the published values, never from these rounded ones. A currency whose publication stopped long before `date` ' +
      '(RUB since 2022-03-01) is left out',
  ),
});
export type ExchangeRatesResponse = z.output<typeof exchangeRatesSchema>;
openApiRegistry.add(exchangeRatesSchema, {
  ...openApiRegistry.get(exchangeRatesSchema),
  examples: [{ base: 'EUR', date: '2024-01-06', rate_date: '2024-01-05', rates: { GBP: '0.8621', JPY: '158.57', USD: '1.0921' } }],
});

export const moneyAmountSchema = z.object({
  amount: doc(z.string(), 'Decimal string with exactly the currency’s decimal places ("109.46", JPY "15857")'),
  currency: doc(z.string(), 'ISO 4217'),
});

export const conversionSchema = z.object({
  transaction_id: doc(z.string(), 'The transaction converted'),
  // One component for both amounts: what each is, is said in the description of the whole (a
  // description given here would be the component's own, not the field's).
  original: moneyAmountSchema,
  converted: moneyAmountSchema,
  rate: doc(
    z.string(),
    '1 unit of the original currency = `rate` units of the target, a decimal string rounded to 10 significant digits for display (the ECB’s value ' +
      'itself when the original is EUR); "1" for the same currency. `converted` is not computed from this rounded value',
  ),
  rate_date: doc(
    z.iso.date(),
    'The day the ECB published the rates used (the transaction’s date, or the last published day before it); the transaction’s date when no ' +
      'conversion was needed (same currency)',
  ),
  date: doc(z.iso.date(), 'The transaction’s date, whose rates apply'),
});
export type ConversionResponse = z.output<typeof conversionSchema>;
openApiRegistry.add(conversionSchema, {
  ...openApiRegistry.get(conversionSchema),
  examples: [
    {
      transaction_id: '5b0c6d3e-8f1a-4c2b-9d7e-0a1b2c3d4e5f',
      original: { amount: '100.00', currency: 'EUR' },
      converted: { amount: '109.46', currency: 'USD' },
      rate: '1.0946',
      rate_date: '2024-01-08',
      date: '2024-01-08',
    },
  ],
});

component(currencySchema, 'Currency', 'An ISO 4217 currency');
component(currencyListSchema, 'CurrencyList', 'The ISO 4217 currencies');
component(exchangeRatesSchema, 'ExchangeRates', 'The ECB reference rates of one currency on one day');
component(moneyAmountSchema, 'MoneyAmount', 'An amount with its currency');
component(
  conversionSchema,
  'TransactionConversion',
  'A transaction’s amount converted at the rates of its date. `original`: the transaction’s amount in its own currency (always > 0; its ' +
    '`transaction_type` says income or expense). `converted`: the amount in `to_currency`, crossed through EUR at the rates of `rate_date` ' +
    'exactly and rounded once, half-even, to the target’s minor units',
);

export function toCurrencyListResponse(response: currencyV1.ListCurrenciesResponse): CurrencyListResponse {
  return {
    items: response.items.map((c) => ({
      code: currencyFrom(c.code, 'currency code'),
      name: c.name,
      minor_units: c.minorUnits,
      has_rates: c.hasRates,
    })),
  };
}

export function toExchangeRatesResponse(response: currencyV1.GetRatesResponse): ExchangeRatesResponse {
  const rates: Record<string, string> = {};
  // By code, whatever order the map arrived in: the same answer reads the same every time.
  for (const code of Object.keys(response.rates).sort()) rates[currencyFrom(code, 'rate currency')] = rateText(response.rates[code]!, `rate of ${code}`);
  return {
    base: currencyFrom(response.base, 'base'),
    date: date(response.date, 'date'),
    rate_date: date(response.rateDate, 'rate_date'),
    rates,
  };
}

function moneyAmount(value: commonV1.Money | undefined, what: string, service: string) {
  if (!value) throw new ContractViolationError(`${service} returned no ${what}`);
  const code = currency(service)(value.currency, `${what} currency`);
  return { amount: formatMoney(money(value.minorUnits, code)), currency: code };
}

/** The ledger's transaction and the currency service's conversion of its amount → the REST answer. */
export function toConversionResponse(transaction: ledgerV1.Transaction, conversion: currencyV1.ConvertResponse, toCurrency: string): ConversionResponse {
  const converted = moneyAmount(conversion.converted, 'converted', 'currency');
  if (converted.currency !== toCurrency) throw new ContractViolationError(`currency converted to ${converted.currency}, not ${toCurrency}`);
  return {
    transaction_id: transaction.id,
    original: moneyAmount(transaction.amount, 'transaction amount', 'ledger'),
    converted,
    rate: rateText(conversion.rate, 'rate'),
    rate_date: date(conversion.rateDate, 'rate_date'),
    date: date(transaction.date, 'transaction date', 'ledger'),
  };
}
