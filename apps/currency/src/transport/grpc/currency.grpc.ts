import { toCalendarDate } from '@finance/calendar';
import type { AsyncServiceImplementation, GrpcServiceRegistration } from '@finance/platform';
import { currencyV1 } from '@finance/proto';
import type { CurrencyContext } from '../../application/context.js';
import { convert, getRates, getRateTable, listCurrencies } from '../../application/rates.js';

/** proto ⇄ use cases, nothing more. The rates are answered from memory: no call touches the database. */
export function currencyGrpcService(ctx: CurrencyContext): AsyncServiceImplementation<typeof currencyV1.CurrencyServiceService> {
  return {
    listCurrencies: async () => ({ items: listCurrencies(ctx) }),
    getRates: async (req) => {
      const answer = getRates(ctx, { base: req.base, date: req.date });
      return { base: answer.base, date: toCalendarDate(answer.date), rateDate: toCalendarDate(answer.rateDate), rates: answer.rates };
    },
    convert: async (req) => {
      const answer = convert(ctx, { amount: req.amount, toCurrency: req.toCurrency, date: req.date });
      return {
        converted: { minorUnits: answer.converted.minor.toString(), currency: answer.converted.currency },
        rate: answer.rate,
        rateDate: toCalendarDate(answer.rateDate),
      };
    },
    getRateTable: async (req) => {
      const answer = getRateTable(ctx, { date: req.date });
      const rates: Record<string, currencyV1.RateEntry> = {};
      for (const [code, rate] of answer.rates) rates[code] = { value: rate.value, published: toCalendarDate(rate.published) };
      return {
        date: toCalendarDate(answer.date),
        rateDate: answer.rateDate && toCalendarDate(answer.rateDate),
        latestDate: answer.latestDate && toCalendarDate(answer.latestDate),
        rates,
        maxStaleDays: answer.maxStaleDays,
      };
    },
  };
}

/** The currency service as startGrpcServer registers it (the composition root sees no generated types). */
export function currencyGrpcRegistration(ctx: CurrencyContext): GrpcServiceRegistration {
  return { definition: currencyV1.CurrencyServiceService, implementation: currencyGrpcService(ctx) };
}
