import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GoalsClient } from '../clients.js';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import {
  contributionPageSchema,
  contributionSchema,
  goalDetailSchema,
  goalNameField,
  goalPageSchema,
  goalSchema,
  goalStatusFilterField,
  goalStatusUpdateField,
  progressSeriesSchema,
  savedAmountField,
  toContributionResponse,
  toGoalDetailResponse,
  toGoalResponse,
  toProgressSeriesResponse,
  toProtoGoalStatus,
} from './goals.schemas.js';
import { amountField, currencyField, dateField, idField, idParams, nextCursor, pageQueryFields, toProtoDate } from './schemas.js';

export interface GoalsRoutesOptions {
  goals: GoalsClient;
}

/** The goals service's answer for a goal that is missing or someone else's; also for a malformed id. */
export const GOAL_NOT_FOUND = { code: 'GOALS_GOAL_NOT_FOUND', detail: 'Goal not found.' };
/** The same for a contribution (a malformed goal id in its path names no contribution either). */
export const CONTRIBUTION_NOT_FOUND = { code: 'GOALS_CONTRIBUTION_NOT_FOUND', detail: 'Contribution not found.' };

const createGoalBody = z.object({
  name: goalNameField,
  target_amount: doc(amountField.clone(), 'What you want to save: greater than zero, at most the currency’s decimal places ("1000.00" or 1000)'),
  current_amount: doc(savedAmountField.optional(), 'What you have already saved towards it; absent = "0"'),
  // A copy: doc() describes the schema object itself, and dateField is shared by every route.
  deadline: doc(dateField.nullish(), 'The day you want to reach the target, YYYY-MM-DD; absent or null = no deadline'),
  currency: doc(
    currencyField.optional(),
    'ISO 4217; absent = your `base_currency`. Transactions in other currencies may be contributed: they count in this currency at the rate of their date',
  ),
});

const updateGoalBody = z.object({
  name: goalNameField.optional(),
  target_amount: doc(amountField.optional(), 'Greater than zero; the status follows (`completed` exactly when current_amount ≥ target_amount)'),
  current_amount: doc(
    savedAmountField.optional(),
    'Corrects what the goal counts as saved (starting amount plus contributions); the status follows',
  ),
  deadline: doc(dateField.nullable().optional(), 'YYYY-MM-DD; null = no deadline'),
  status: goalStatusUpdateField.optional(),
  // No currency: the amounts already counted and the contributions' goal amounts are in the goal's currency.
});

const listGoalsQuery = z.object({ ...pageQueryFields, status: goalStatusFilterField.optional() });

const listContributionsQuery = z.object({ ...pageQueryFields });

const progressQuery = z
  .object({
    from: doc(dateField.optional(), 'Only points on or after this date (YYYY-MM-DD); the amounts stay cumulative'),
    to: doc(dateField.optional(), 'Only points on or before this date (YYYY-MM-DD)'),
  })
  .superRefine((query, ctx) => {
    // ISO dates compare correctly as strings.
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`' });
    }
  });

const contributeBody = z.object({
  transaction_id: doc(idField.clone(), 'One of your transactions (income or expense), in any currency'),
  amount: doc(
    amountField.optional(),
    'How much of the transaction goes to the goal, in the TRANSACTION’s currency: greater than zero, at most what is left of it (a transaction’s contributions over all your goals never exceed its amount); absent = the whole amount',
  ),
});

const contributionParams = z.object({ id: idField, contribution_id: idField });

export const goalsRoutes: FastifyPluginAsyncZod<GoalsRoutesOptions> = async (app, { goals }) => {
  const byId = { notFound: GOAL_NOT_FOUND };

  app.post(
    '/goals',
    {
      schema: {
        tags: ['goals'],
        operationId: 'createGoal',
        summary: 'Create a savings goal',
        description:
          'Something to save for: a target amount, optionally a deadline, and what you have already saved (`current_amount`, default "0"). ' +
          'Put real transactions towards it with `POST /goals/{id}/contribute`; the goal is `completed` as soon as `current_amount` reaches `target_amount` ' +
          '(at once when you start with enough).',
        body: createGoalBody,
        response: {
          201: { ...jsonResponse(goalSchema, 'The goal'), headers: { Location: { type: 'string', description: 'The path of the goal' } } },
          ...problemResponses(400, 401, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { goal } = await goals.createGoal(
        {
          userId,
          name: body.name,
          targetAmount: body.target_amount,
          currentAmount: body.current_amount,
          deadline: toProtoDate(body.deadline ?? undefined),
          currency: body.currency,
        },
        { requestId: request.id },
      );
      const created = toGoalResponse(goal);
      return reply.code(201).header('location', `/goals/${created.id}`).send(created);
    },
  );

  app.get(
    '/goals',
    {
      schema: {
        tags: ['goals'],
        operationId: 'listGoals',
        summary: 'Your savings goals',
        description: 'Oldest first (by creation). Follow `next_cursor` until it is null. The progress of a goal is at `GET /goals/{id}`.',
        querystring: listGoalsQuery,
        response: { 200: jsonResponse(goalPageSchema, 'A page of goals'), ...problemResponses(401, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { limit, cursor, status } = request.query;
      const { items, page } = await goals.listGoals(
        { userId, page: { limit, cursor: cursor ?? '' }, status: toProtoGoalStatus(status) },
        { requestId: request.id },
      );
      return reply.send({ items: items.map(toGoalResponse), next_cursor: nextCursor(page) });
    },
  );

  app.get(
    '/goals/:id',
    {
      config: byId,
      schema: {
        tags: ['goals'],
        operationId: 'getGoal',
        summary: 'One goal, with its progress',
        description:
          '`progress` as of today in your time zone: `percent` saved (may exceed 100), what `remaining` (never negative), how many `contributions`, ' +
          'what it takes per month to reach the target by `deadline` (`monthly_needed`), when it is reached at the pace of the last 90 days ' +
          '(`projected_completion_date`) and whether that is in time (`on_track`).',
        params: idParams,
        response: { 200: jsonResponse(goalDetailSchema, 'The goal with its progress'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const response = await goals.getGoal({ userId, id: request.params.id }, { requestId: request.id });
      return reply.send(toGoalDetailResponse(response));
    },
  );

  app.put(
    '/goals/:id',
    {
      config: byId,
      schema: {
        tags: ['goals'],
        operationId: 'updateGoal',
        summary: 'Change goal fields',
        description:
          'Fields left out keep their value. `deadline: null` removes the deadline. `status` may be set to `cancelled` or back to `active` ' +
          '(which is `completed` when the target is already reached); `completed` itself follows the amounts and cannot be set. ' +
          'The currency is not a field of this request: the goal’s amounts and its contributions’ `goal_amount` are in it, so it cannot change.',
        params: idParams,
        body: updateGoalBody,
        response: { 200: jsonResponse(goalSchema, 'The goal as changed'), ...problemResponses(400, 401, 404, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { goal } = await goals.updateGoal(
        {
          userId,
          id: request.params.id,
          name: body.name,
          targetAmount: body.target_amount,
          currentAmount: body.current_amount,
          deadline: toProtoDate(body.deadline ?? undefined),
          // The proto's way to say "no deadline" (deadline then absent).
          clearDeadline: body.deadline === null,
          status: toProtoGoalStatus(body.status),
        },
        { requestId: request.id },
      );
      return reply.send(toGoalResponse(goal));
    },
  );

  app.delete(
    '/goals/:id',
    {
      config: byId,
      schema: {
        tags: ['goals'],
        operationId: 'deleteGoal',
        summary: 'Delete a goal',
        description: 'Its contributions go with it; the transactions stay.',
        params: idParams,
        response: { 204: doc(z.undefined(), 'Deleted'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      await goals.deleteGoal({ userId, id: request.params.id }, { requestId: request.id });
      return reply.code(204).send();
    },
  );

  app.get(
    '/goals/:id/progress',
    {
      config: byId,
      schema: {
        tags: ['goals'],
        operationId: 'getGoalProgress',
        summary: 'A goal’s current_amount over time',
        description:
          'One point per day that changed `current_amount`, oldest first, each the amount at the end of that day: the day the goal was created (in your ' +
          'time zone) with the starting amount and every contribution of a transaction dated on or before it (money already put aside), then the date of ' +
          'each later contributed transaction. `from` and `to` (inclusive, both optional) only narrow the list: the amounts stay cumulative, so the first ' +
          'point listed carries everything before `from`.',
        params: idParams,
        querystring: progressQuery,
        response: { 200: jsonResponse(progressSeriesSchema, 'The points, oldest first'), ...problemResponses(401, 404, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { from, to } = request.query;
      const response = await goals.getGoalProgress(
        { userId, id: request.params.id, from: toProtoDate(from), to: toProtoDate(to) },
        { requestId: request.id },
      );
      return reply.send(toProgressSeriesResponse(response));
    },
  );

  app.post(
    '/goals/:id/contribute',
    {
      config: byId,
      schema: {
        tags: ['goals'],
        operationId: 'contributeToGoal',
        summary: 'Put (part of) one of your transactions towards a goal',
        description:
          'Links a transaction of yours to the goal: `amount` (default: the whole transaction) is in the transaction’s currency; `current_amount` grows by ' +
          '`goal_amount`, that amount in the goal’s currency at the ECB rate of the transaction’s date (crossed through EUR, rounded once, half-even; ' +
          'the same amount when the currencies are the same), and the goal is `completed` when it reaches `target_amount`. ' +
          'Deleting the transaction later removes the contribution and lowers the goal again; changing its amount or date converts it anew. ' +
          'Both incomes and expenses may be contributed (money moved to savings is often booked as an expense). ' +
          'Another user’s or an unknown transaction → 404; the same transaction on the same goal twice, or a cancelled goal → 409; more than what is ' +
          'left of the transaction’s amount over all your goals, or no exchange rate usable on the transaction’s date (`RATE_UNAVAILABLE`) → 422; ' +
          'the currency service unreachable (`CURRENCY_UNAVAILABLE`) → 503, nothing stored.',
        params: idParams,
        body: contributeBody,
        response: {
          201: jsonResponse(contributionSchema, 'The contribution'),
          ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { contribution } = await goals.contribute(
        { userId, goalId: request.params.id, transactionId: body.transaction_id, amount: body.amount },
        { requestId: request.id },
      );
      return reply.code(201).send(toContributionResponse(contribution));
    },
  );

  app.get(
    '/goals/:id/contributions',
    {
      config: byId,
      schema: {
        tags: ['goals'],
        operationId: 'listGoalContributions',
        summary: 'A goal’s contributions',
        description: 'Oldest first (in the order they were made). Follow `next_cursor` until it is null.',
        params: idParams,
        querystring: listContributionsQuery,
        response: { 200: jsonResponse(contributionPageSchema, 'A page of contributions'), ...problemResponses(401, 404, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { limit, cursor } = request.query;
      const { items, page } = await goals.listContributions(
        { userId, goalId: request.params.id, page: { limit, cursor: cursor ?? '' } },
        { requestId: request.id },
      );
      return reply.send({ items: items.map(toContributionResponse), next_cursor: nextCursor(page) });
    },
  );

  app.delete(
    '/goals/:id/contributions/:contribution_id',
    {
      config: { notFound: CONTRIBUTION_NOT_FOUND },
      schema: {
        tags: ['goals'],
        operationId: 'deleteGoalContribution',
        summary: 'Undo a contribution',
        description: 'The goal’s `current_amount` goes down by its amount (and the status may return to `active`); the transaction stays.',
        params: contributionParams,
        response: { 204: doc(z.undefined(), 'Deleted'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      await goals.deleteContribution({ userId, goalId: request.params.id, id: request.params.contribution_id }, { requestId: request.id });
      return reply.code(204).send();
    },
  );
};
