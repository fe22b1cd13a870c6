import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReportingClient } from '../clients.js';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import {
  budgetStatusSchema,
  incomeVsExpenseSchema,
  intervalField,
  spendingSchema,
  toBudgetStatusResponse,
  toIncomeVsExpenseResponse,
  toProtoInterval,
  toSpendingResponse,
} from './reporting.schemas.js';
import { dateField, toProtoDate } from './schemas.js';

export interface AnalyticsRoutesOptions {
  reporting: ReportingClient;
}

// `from` after `to`, and ranges with more intervals than the service reports at once, are the
// reporting service's verdict (422 with its field errors): it owns those rules.
const rangeFields = {
  // Copies: doc() describes the schema object itself, and dateField is shared by every route.
  from: doc(dateField.clone(), 'First day counted, YYYY-MM-DD (inclusive)'),
  to: doc(dateField.clone(), 'Last day counted, YYYY-MM-DD (inclusive); not before `from`'),
};

const spendingQuery = z.object({ ...rangeFields });

const incomeVsExpenseQuery = z.object({ ...rangeFields, interval: intervalField });

const budgetStatusQuery = z.object({
  date: doc(dateField.optional(), 'YYYY-MM-DD; default today in your time zone'),
});

const MONEY_RULES =
  'Amounts are decimal strings in your `base_currency` (`currency`), summed exactly. Transactions in other currencies are counted too, converted at ' +
  'the ECB reference rate of their own date (the last published day on or before it, crossed through EUR), each day’s sum per currency rounded ' +
  'once, half-even; every total is the sum of its items. Only currencies without a usable rate on a day (never published by the ECB, before its ' +
  'first rate, or no longer published) are left out, and listed in `excluded_currencies`.';

/** `/analytics/*`: read-only views over the ledger and budgets, computed by the reporting service. */
export const analyticsRoutes: FastifyPluginAsyncZod<AnalyticsRoutesOptions> = async (app, { reporting }) => {
  app.get(
    '/analytics/spending',
    {
      schema: {
        tags: ['analytics'],
        operationId: 'getSpending',
        summary: 'Expenses between `from` and `to`, per category',
        description:
          `Only expenses count (income does not). One item per category with expenses dated within [\`from\`, \`to\`], uncategorized ones as ` +
          `\`category_id: null\`. ${MONEY_RULES} \`from\` after \`to\` is a 422.`,
        querystring: spendingQuery,
        response: { 200: jsonResponse(spendingSchema, 'Spending per category'), ...problemResponses(401, 422, 429, 503, 504) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { from, to } = request.query;
      const response = await reporting.getSpending({ userId, from: toProtoDate(from), to: toProtoDate(to) }, { requestId: request.id });
      return reply.send(toSpendingResponse(response));
    },
  );

  app.get(
    '/analytics/income-vs-expense',
    {
      schema: {
        tags: ['analytics'],
        operationId: 'getIncomeVsExpense',
        summary: 'Income, expense and net per day, week, month or year between `from` and `to`',
        description:
          'One item for every interval that overlaps [`from`, `to`], oldest first, zeros included: weeks start on Monday, months on the 1st, years ' +
          'on January 1st, so the first and last intervals may reach outside the range, but only transactions dated within it count. ' +
          `\`net\` is income − expense and may be negative. ${MONEY_RULES} \`from\` after \`to\`, or a range with too many intervals ` +
          '(ten years by day), is a 422.',
        querystring: incomeVsExpenseQuery,
        response: { 200: jsonResponse(incomeVsExpenseSchema, 'Income and expense per interval'), ...problemResponses(401, 422, 429, 503, 504) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { from, to, interval } = request.query;
      const response = await reporting.getIncomeVsExpense(
        { userId, from: toProtoDate(from), to: toProtoDate(to), interval: toProtoInterval(interval) },
        { requestId: request.id },
      );
      return reply.send(toIncomeVsExpenseResponse(response, { from, to, interval }));
    },
  );

  app.get(
    '/analytics/budget-status',
    {
      schema: {
        tags: ['analytics'],
        operationId: 'getBudgetStatus',
        summary: 'Every budget active on `date`, with the spending of its current period',
        description:
          'A budget is active on `date` when `start_date` ≤ `date` and it has no `end_date` or `date` ≤ `end_date`. Each item is the period that contains ' +
          '`date`; `status` is `"over"` exactly when spent > amount. Amounts are in each budget’s `currency`. The figures are those of ' +
          '`GET /budgets/{id}?date=` for the same day.',
        querystring: budgetStatusQuery,
        response: { 200: jsonResponse(budgetStatusSchema, 'The active budgets'), ...problemResponses(401, 422, 429, 503, 504) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const response = await reporting.getBudgetStatus({ userId, date: toProtoDate(request.query.date) }, { requestId: request.id });
      return reply.send(toBudgetStatusResponse(response));
    },
  );
};
