import { localDate } from '@finance/calendar';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthClient, CurrencyClient, LedgerClient } from '../clients.js';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import {
  conversionSchema,
  currencyCodeField,
  currencyListSchema,
  exchangeRatesSchema,
  toConversionResponse,
  toCurrencyListResponse,
  toExchangeRatesResponse,
} from './currency.schemas.js';
import { ContractViolationError, dateField, idField, toProtoDate } from './schemas.js';

export interface CurrencyRoutesOptions {
  currency: CurrencyClient;
  /** The caller's time zone ("today") and base currency (the default target of a conversion). */
  auth: AuthClient;
  /** The transaction a conversion is asked of (the caller's own, or 404). */
  ledger: LedgerClient;
}

const exchangeRatesQuery = z.object({
  // Copies: doc() describes the schema object itself, and the fields are shared.
  base: doc(currencyCodeField.clone(), 'ISO 4217 code in upper case (required): the rates are of 1 unit of it'),
  date: doc(
    dateField.optional(),
    'The day whose rates apply, YYYY-MM-DD; default today in your time zone. A day without published rates (weekend, holiday) or after the latest ' +
      'published day (the future included) uses the last published day before it: `rate_date` says which',
  ),
});

const convertBody = z.object({
  transaction_id: doc(idField.clone(), 'One of your transactions (a UUID; a malformed one is a 422 naming this field)'),
  to_currency: doc(currencyCodeField.optional(), 'ISO 4217 code in upper case; absent = your `base_currency`. The transaction’s own currency is allowed (rate "1")'),
});

const RATE_RULES =
  'Rates are the European Central Bank’s euro reference rates (bundled from 1999-01-04 on, and kept up to date by the currency service): a day without a published rate ' +
  '(weekend, holiday) uses the last earlier published one, other pairs are crossed through EUR. No usable rate — a currency the ECB never published ' +
  '(`has_rates: false` in `GET /currencies`), a date before its first rate, or a currency whose publication stopped more than 14 days (by default) ' +
  'before the day while others go on (RUB since 2022-03-01) — is a 422 `RATE_UNAVAILABLE` naming the currency and the date, never a 1:1 rate.';

/** `GET /currencies`, `GET /exchange-rates` and `POST /transactions/convert`: the currency service's table, rates and conversions. */
export const currencyRoutes: FastifyPluginAsyncZod<CurrencyRoutesOptions> = async (app, { currency, auth, ledger }) => {
  /** The caller's profile as auth has it: its time zone gives "today", its base currency the default target. */
  const profileOf = async (userId: string, requestId: string) => {
    const { user } = await auth.getUser({ userId }, { requestId });
    if (!user) throw new ContractViolationError('auth returned no user');
    return user;
  };

  app.get(
    '/currencies',
    {
      schema: {
        tags: ['currencies'],
        operationId: 'listCurrencies',
        summary: 'The ISO 4217 currencies',
        description:
          'Every active ISO 4217 currency (about 180), by code, with its decimal places (`minor_units`) and whether exchange rates exist for it ' +
          '(`has_rates`). A fixed table, answered whole: no pagination (`limit`/`cursor` do not apply). Amounts in any of these currencies may be ' +
          'recorded; only those with `has_rates` can be converted.',
        response: { 200: jsonResponse(currencyListSchema, 'The currencies'), ...problemResponses(401, 429, 503, 504) },
      },
    },
    async (request, reply) => {
      requireAuth(request);
      const response = await currency.listCurrencies({}, { requestId: request.id });
      return reply.send(toCurrencyListResponse(response));
    },
  );

  app.get(
    '/exchange-rates',
    {
      schema: {
        tags: ['currencies'],
        operationId: 'getExchangeRates',
        summary: 'The rates of `base` against every currency on one day',
        description:
          'The rates a conversion on `date` uses: 1 `base` = `rates[CODE]` CODE for every currency with a usable rate that day. `date` defaults to ' +
          'today in your time zone; `rate_date` is the day the rates were published, the last published day on or before `date`. A `date` in the ' +
          `future, or after the latest day published so far, gets the latest published rates (\`rate_date\` says which day). ${RATE_RULES} ` +
          '`base` missing, in lower case or not an ISO 4217 code, or a malformed `date` → 422.',
        querystring: exchangeRatesQuery,
        response: { 200: jsonResponse(exchangeRatesSchema, 'The rates of `base`'), ...problemResponses(401, 422, 429, 503, 504) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { base } = request.query;
      // "Today" is the caller's (API.md); the currency service on its own would take today in UTC.
      const date = request.query.date ?? localDate(new Date(), (await profileOf(userId, request.id)).timezone);
      const response = await currency.getRates({ base, date: toProtoDate(date) }, { requestId: request.id });
      return reply.send(toExchangeRatesResponse(response));
    },
  );

  app.post(
    '/transactions/convert',
    {
      schema: {
        tags: ['currencies'],
        operationId: 'convertTransaction',
        summary: 'One of your transactions in another currency, at the rates of its date',
        description:
          'Converts the amount of transaction `transaction_id` to `to_currency` (default: your `base_currency`) at the rates of the transaction’s ' +
          '`date`: crossed through EUR exactly and rounded once, half-even, to the target’s minor units (cents for USD, none for JPY). Nothing is ' +
          `stored; the transaction keeps its currency. The same currency answers the amount itself at rate "1". ${RATE_RULES} ` +
          'Another user’s or an unknown transaction → 404 `LEDGER_TRANSACTION_NOT_FOUND`; a `transaction_id` that is not a UUID → 422 naming it ' +
          '(as for every id in a request body); `to_currency` in lower case or not an ISO 4217 code → 422.',
        body: convertBody,
        response: {
          200: jsonResponse(conversionSchema, 'The transaction’s amount, converted'),
          ...problemResponses(400, 401, 404, 413, 415, 422, 429, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { transaction_id: id, to_currency: asked } = request.body;
      // Both questions at once; the profile only when the target is the base currency.
      const [{ transaction }, target] = await Promise.all([
        ledger.getTransaction({ userId, id }, { requestId: request.id }),
        asked ?? profileOf(userId, request.id).then((user) => user.baseCurrency),
      ]);
      if (!transaction?.amount || !transaction.date) throw new ContractViolationError('ledger returned a transaction without amount or date');
      const conversion = await currency.convert(
        { amount: transaction.amount, toCurrency: target, date: transaction.date },
        { requestId: request.id },
      );
      return reply.send(toConversionResponse(transaction, conversion, target));
    },
  );
};
