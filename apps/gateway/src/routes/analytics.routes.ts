import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import { budgetStatusSchema, toBudgetStatusItemResponse } from './budgeting.schemas.js';
import type { BudgetingRoutesOptions } from './budgets.routes.js';
import { dateField, toProtoDate } from './schemas.js';

const budgetStatusQuery = z.object({
  date: doc(dateField.optional(), 'YYYY-MM-DD; default today in your time zone'),
});

/** `/analytics/*`. For now the budget status (budgeting service); spending and income-vs-expense follow. */
export const analyticsRoutes: FastifyPluginAsyncZod<BudgetingRoutesOptions> = async (app, { budgeting }) => {
  app.get(
    '/analytics/budget-status',
    {
      schema: {
        tags: ['analytics'],
        operationId: 'getBudgetStatus',
        summary: 'Every budget active on `date`, with the spending of its current period',
        description:
          'A budget is active on `date` when `start_date` ≤ `date` and it has no `end_date` or `date` ≤ `end_date`. Each item is the period that contains ' +
          '`date`; `status` is `"over"` exactly when spent > amount. Amounts are in each budget’s currency.',
        querystring: budgetStatusQuery,
        response: { 200: jsonResponse(budgetStatusSchema, 'The active budgets'), ...problemResponses(401, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { items } = await budgeting.getBudgetStatus({ userId, date: toProtoDate(request.query.date) }, { requestId: request.id });
      return reply.send({ items: items.map(toBudgetStatusItemResponse) });
    },
  );
};
