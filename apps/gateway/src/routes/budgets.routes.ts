import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BudgetingClient } from '../clients.js';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import {
  budgetDetailSchema,
  budgetNameField,
  budgetPageSchema,
  budgetPeriodField,
  budgetSchema,
  toBudgetDetailResponse,
  toBudgetResponse,
  toProtoBudgetPeriod,
} from './budgeting.schemas.js';
import { amountField, currencyField, dateField, idField, idParams, nextCursor, pageQueryFields, toProtoDate } from './schemas.js';

export interface BudgetingRoutesOptions {
  budgeting: BudgetingClient;
}

/** The budgeting service's answer for a budget that is missing or someone else's; also for a malformed id. */
export const BUDGET_NOT_FOUND = { code: 'BUDGETING_BUDGET_NOT_FOUND', detail: 'Budget not found.' };

/**
 * end_date before start_date, when a request gives both (ISO dates compare correctly as strings).
 * zod runs this even when a field failed, so only two valid dates are compared: a malformed one is
 * reported once, for what it is.
 */
function endNotBeforeStart(body: { start_date?: string | undefined; end_date?: string | null | undefined }, ctx: z.RefinementCtx) {
  const { start_date: start, end_date: end } = body;
  if (typeof start !== 'string' || typeof end !== 'string' || !dateField.safeParse(start).success || !dateField.safeParse(end).success) return;
  if (end < start) ctx.addIssue({ code: 'custom', path: ['end_date'], message: 'must not be before `start_date`' });
}

const createBudgetBody = z
  .object({
    amount: amountField,
    period: budgetPeriodField,
    // A copy: doc() describes the schema object itself, and dateField is shared by every route.
    start_date: doc(dateField.clone(), 'The first day of the first period; every period is anchored on it'),
    end_date: doc(dateField.nullish(), 'The last day counted (inclusive), not before `start_date`; absent or null = open-ended'),
    category_id: doc(idField.nullish(), 'Count only this category’s expenses; absent or null = all expenses'),
    currency: doc(currencyField.optional(), 'ISO 4217; absent = your `base_currency`'),
    name: doc(budgetNameField.nullish(), '1–100 characters; absent or null = the category’s name, or the period’s ("Monthly budget")'),
  })
  .superRefine(endNotBeforeStart);

const updateBudgetBody = z
  .object({
    amount: amountField.optional(),
    period: budgetPeriodField.optional(),
    start_date: doc(dateField.optional(), 'Moves the anchor of every period'),
    end_date: doc(dateField.nullable().optional(), 'null = open-ended again'),
    category_id: doc(idField.nullable().optional(), 'null = all expenses'),
    currency: doc(currencyField.optional(), 'ISO 4217; the amount must suit it'),
    name: doc(budgetNameField.optional(), '1–100 characters'),
  })
  .superRefine(endNotBeforeStart);

const listBudgetsQuery = z.object({ ...pageQueryFields });

const getBudgetQuery = z.object({
  date: doc(dateField.optional(), 'The day whose period is analysed, YYYY-MM-DD; default today in your time zone'),
});

export const budgetsRoutes: FastifyPluginAsyncZod<BudgetingRoutesOptions> = async (app, { budgeting }) => {
  const byId = { notFound: BUDGET_NOT_FOUND };

  app.post(
    '/budgets',
    {
      schema: {
        tags: ['budgets'],
        operationId: 'createBudget',
        summary: 'Create a budget',
        description:
          'An amount to spend per period (daily, weekly, monthly or yearly) from `start_date`, on one category’s expenses or on all expenses. ' +
          'Periods are anchored at `start_date`: a monthly budget from the 15th runs from the 15th to the 14th; one from the 31st starts on the last day of ' +
          'shorter months. Only expenses count.',
        body: createBudgetBody,
        response: {
          201: { ...jsonResponse(budgetSchema, 'The budget'), headers: { Location: { type: 'string', description: 'The path of the budget' } } },
          ...problemResponses(400, 401, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { budget } = await budgeting.createBudget(
        {
          userId,
          amount: body.amount,
          period: toProtoBudgetPeriod(body.period),
          startDate: toProtoDate(body.start_date),
          endDate: toProtoDate(body.end_date ?? undefined),
          categoryId: body.category_id ?? undefined,
          currency: body.currency,
          name: body.name ?? undefined,
        },
        { requestId: request.id },
      );
      const created = toBudgetResponse(budget);
      return reply.code(201).header('location', `/budgets/${created.id}`).send(created);
    },
  );

  app.get(
    '/budgets',
    {
      schema: {
        tags: ['budgets'],
        operationId: 'listBudgets',
        summary: 'Your budgets',
        description: 'Follow `next_cursor` until it is null. The analysis of a budget is at `GET /budgets/{id}`; of all of them at once at `GET /analytics/budget-status`.',
        querystring: listBudgetsQuery,
        response: { 200: jsonResponse(budgetPageSchema, 'A page of budgets'), ...problemResponses(401, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { limit, cursor } = request.query;
      const { items, page } = await budgeting.listBudgets({ userId, page: { limit, cursor: cursor ?? '' } }, { requestId: request.id });
      return reply.send({ items: items.map(toBudgetResponse), next_cursor: nextCursor(page) });
    },
  );

  app.get(
    '/budgets/:id',
    {
      config: byId,
      schema: {
        tags: ['budgets'],
        operationId: 'getBudget',
        summary: 'One budget, with the analysis of the period that contains `date`',
        description:
          '`analysis` covers the period that contains `date` (default today in your time zone): what was spent, what remains (negative when over), ' +
          '`status` `"over"` exactly when spent > amount, the daily average and projection, and the earlier periods. It is null when `date` is before ' +
          '`start_date` or after `end_date`.',
        params: idParams,
        querystring: getBudgetQuery,
        response: { 200: jsonResponse(budgetDetailSchema, 'The budget with its analysis'), ...problemResponses(401, 404, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const response = await budgeting.getBudget({ userId, id: request.params.id, date: toProtoDate(request.query.date) }, { requestId: request.id });
      return reply.send(toBudgetDetailResponse(response));
    },
  );

  app.put(
    '/budgets/:id',
    {
      config: byId,
      schema: {
        tags: ['budgets'],
        operationId: 'updateBudget',
        summary: 'Change budget fields',
        description: 'Fields left out keep their value. `end_date: null` makes the budget open-ended; `category_id: null` makes it count all expenses.',
        params: idParams,
        body: updateBudgetBody,
        response: { 200: jsonResponse(budgetSchema, 'The budget as changed'), ...problemResponses(400, 401, 404, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { budget } = await budgeting.updateBudget(
        {
          userId,
          id: request.params.id,
          amount: body.amount,
          period: toProtoBudgetPeriod(body.period),
          startDate: toProtoDate(body.start_date),
          endDate: toProtoDate(body.end_date ?? undefined),
          // The proto's way to say "open-ended again" (end_date then absent).
          clearEndDate: body.end_date === null,
          // "" is the service's "all expenses"; undefined leaves the category alone.
          categoryId: body.category_id === null ? '' : body.category_id,
          currency: body.currency,
          name: body.name,
        },
        { requestId: request.id },
      );
      return reply.send(toBudgetResponse(budget));
    },
  );

  app.delete(
    '/budgets/:id',
    {
      config: byId,
      schema: {
        tags: ['budgets'],
        operationId: 'deleteBudget',
        summary: 'Delete a budget',
        params: idParams,
        response: { 204: doc(z.undefined(), 'Deleted'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      await budgeting.deleteBudget({ userId, id: request.params.id }, { requestId: request.id });
      return reply.code(204).send();
    },
  );
};
