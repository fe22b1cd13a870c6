import type { preValidationHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { HttpProblem, problemResponses } from '../plugins/problem.js';
import { descriptionField, idempotencyKeyHeader, toProtoTransactionType, toTransactionResponse, transactionTypeField } from './ledger.schemas.js';
import {
  frequencyField,
  occurrencesSchema,
  processedRecurringSchema,
  recurringPageSchema,
  recurringSchema,
  toNextOccurrenceDate,
  toOccurrenceDates,
  toProtoFrequency,
  toProtoWeekend,
  toRecurringResponse,
  weekendField,
} from './recurring.schemas.js';
import { amountField, currencyField, dateField, idField, idParams, nextCursor, pageQueryFields, toProtoDate } from './schemas.js';
import type { LedgerRoutesOptions } from './transactions.routes.js';

/** The ledger's answer for a template that is missing or someone else's; also for a malformed id. */
export const RECURRING_NOT_FOUND = { code: 'LEDGER_RECURRING_NOT_FOUND', detail: 'Recurring template not found.' };

/**
 * end_date before start_date, when a request gives both (ISO dates compare correctly as strings).
 * Only two valid dates are compared: a malformed one is reported once, for what it is. When only
 * one of them is given, the ledger compares it with the stored other.
 */
function endNotBeforeStart(body: { start_date?: string | undefined; end_date?: string | null | undefined }, ctx: z.RefinementCtx) {
  const { start_date: start, end_date: end } = body;
  if (typeof start !== 'string' || typeof end !== 'string' || !dateField.safeParse(start).success || !dateField.safeParse(end).success) return;
  if (end < start) ctx.addIssue({ code: 'custom', path: ['end_date'], message: 'must not be before `start_date`' });
}

const createRecurringBody = z
  .object({
    amount: amountField,
    transaction_type: transactionTypeField,
    frequency: frequencyField,
    // A copy: doc() describes the schema object itself, and dateField is shared by every route.
    start_date: doc(dateField.clone(), 'The anchor: the first occurrence, from which every later one is counted'),
    end_date: doc(dateField.nullish(), 'The last day an occurrence may fall on (inclusive), not before `start_date`; absent or null = no end'),
    description: doc(descriptionField.nullish(), 'Up to 1000 characters; each transaction gets it'),
    category_id: doc(idField.nullish(), 'One of your categories; absent or null = uncategorized'),
    currency: doc(currencyField.optional(), 'ISO 4217; absent = your `base_currency`'),
    auto_create: doc(z.boolean().default(true), 'true (default) = each occurrence is created by itself when its date comes; false = only by `POST /recurring/{id}/process`'),
    weekend: doc(weekendField.default('none'), 'Where an occurrence falling on a weekend goes (default `none`)'),
  })
  .superRefine(endNotBeforeStart);

const updateRecurringBody = z
  .object({
    amount: amountField.optional(),
    transaction_type: transactionTypeField.optional(),
    frequency: doc(frequencyField.optional(), 'Re-anchors the schedule'),
    start_date: doc(dateField.optional(), 'Re-anchors the schedule'),
    end_date: doc(dateField.nullable().optional(), 'null = no end'),
    description: doc(descriptionField.nullable().optional(), 'null or "" = no description'),
    category_id: doc(idField.nullable().optional(), 'null = uncategorized'),
    currency: doc(currencyField.optional(), 'ISO 4217; the amount must suit it'),
    auto_create: z.boolean().optional(),
    weekend: doc(weekendField.optional(), 'Re-anchors the schedule'),
    is_active: doc(z.boolean().optional(), 'false deactivates (as `DELETE` does); true activates again, resuming with the first occurrence on or after today'),
  })
  .superRefine(endNotBeforeStart);

const BOOLEAN_MESSAGE = 'must be true or false';
const isActiveFilter = z
  .enum(['true', 'false'], { error: BOOLEAN_MESSAGE })
  .transform((value) => value === 'true')
  .optional();

const listRecurringQuery = z.object({
  ...pageQueryFields,
  is_active: doc(isActiveFilter, '`true` = only active templates, `false` = only deactivated ones; absent = all'),
});

const occurrencesQuery = z
  .object({
    from: doc(dateField.clone(), 'The first day of the range (inclusive)'),
    to: doc(dateField.clone(), 'The last day of the range (inclusive), not before `from`'),
  })
  .superRefine((query, ctx) => {
    // ISO dates compare correctly as strings; a malformed one is reported once, for what it is.
    const { from, to } = query;
    if (typeof from !== 'string' || typeof to !== 'string' || !dateField.safeParse(from).success || !dateField.safeParse(to).success) return;
    if (from > to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`' });
  });

const idempotencyHeaders = z.looseObject({ 'idempotency-key': idempotencyKeyHeader.optional() });

/**
 * `POST /recurring/{id}/process` takes no body; `{}` (or any object: unknown fields are ignored, as
 * everywhere) is fine too. Checked here rather than by a body schema, which the OpenAPI document
 * would show as a required request body.
 */
const noBodyOrObject: preValidationHookHandler = (request, _reply, done) => {
  const body = request.body;
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    return done(new HttpProblem(400, 'BODY_NOT_OBJECT', 'The request body must be a JSON object (or absent).'));
  }
  done();
};

const processedHeaders = {
  Location: { type: 'string', description: 'The path of the transaction created' },
  'Idempotent-Replayed': { type: 'string', enum: ['true'], description: 'Present when this is the stored answer to an earlier request with the same Idempotency-Key' },
};

export const recurringRoutes: FastifyPluginAsyncZod<LedgerRoutesOptions> = async (app, { ledger }) => {
  const byId = { notFound: RECURRING_NOT_FOUND };

  app.post(
    '/recurring',
    {
      schema: {
        tags: ['recurring'],
        operationId: 'createRecurring',
        summary: 'Create a recurring transaction template',
        description:
          'A transaction that repeats daily, weekly, monthly or yearly from `start_date` (until `end_date`, inclusive, when given). ' +
          'Occurrence n is counted from `start_date`, never from the previous one: monthly from the 31st gives Feb 28 (29), Mar 31, Apr 30; ' +
          'yearly from Feb 29 gives Feb 28 in common years. `weekend` moves an occurrence on a Saturday or Sunday to the Friday before or the Monday after. ' +
          'With `auto_create` (default) the ledger creates each occurrence when its date comes (today in your time zone), catching up any it missed; ' +
          '`next_occurrence_date` is the first occurrence on or after `start_date`.',
        body: createRecurringBody,
        response: {
          201: { ...jsonResponse(recurringSchema, 'The template'), headers: { Location: { type: 'string', description: 'The path of the template' } } },
          ...problemResponses(400, 401, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { template } = await ledger.createRecurring(
        {
          userId,
          amount: body.amount,
          transactionType: toProtoTransactionType(body.transaction_type),
          frequency: toProtoFrequency(body.frequency),
          startDate: toProtoDate(body.start_date),
          endDate: toProtoDate(body.end_date ?? undefined),
          description: body.description ?? '',
          categoryId: body.category_id ?? undefined,
          currency: body.currency,
          autoCreate: body.auto_create,
          weekend: toProtoWeekend(body.weekend),
        },
        { requestId: request.id },
      );
      const created = toRecurringResponse(template);
      return reply.code(201).header('location', `/recurring/${created.id}`).send(created);
    },
  );

  app.get(
    '/recurring',
    {
      schema: {
        tags: ['recurring'],
        operationId: 'listRecurring',
        summary: 'Your recurring transaction templates',
        description: 'Active and deactivated templates unless `is_active` says which. Follow `next_cursor` until it is null.',
        querystring: listRecurringQuery,
        response: { 200: jsonResponse(recurringPageSchema, 'A page of templates'), ...problemResponses(401, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { limit, cursor, is_active: isActive } = request.query;
      const { items, page } = await ledger.listRecurring({ userId, page: { limit, cursor: cursor ?? '' }, isActive }, { requestId: request.id });
      return reply.send({ items: items.map(toRecurringResponse), next_cursor: nextCursor(page) });
    },
  );

  app.get(
    '/recurring/:id',
    {
      config: byId,
      schema: {
        tags: ['recurring'],
        operationId: 'getRecurring',
        summary: 'One recurring transaction template',
        params: idParams,
        response: { 200: jsonResponse(recurringSchema, 'The template'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { template } = await ledger.getRecurring({ userId, id: request.params.id }, { requestId: request.id });
      return reply.send(toRecurringResponse(template));
    },
  );

  app.put(
    '/recurring/:id',
    {
      config: byId,
      schema: {
        tags: ['recurring'],
        operationId: 'updateRecurring',
        summary: 'Change template fields',
        description:
          'Fields left out keep their value. Changing `start_date`, `frequency`, `weekend` or `end_date` re-anchors the schedule: `next_occurrence_date` becomes ' +
          'the first occurrence of the new schedule on or after `start_date` and after the latest occurrence already created, so no occurrence is created ' +
          'twice and none is back-filled before one already created. ' +
          '`end_date: null` removes the end; `category_id: null` makes the template uncategorized; `is_active: false` deactivates it. `is_active: true` ' +
          'activates it again from today (in your time zone): the dates that fell while it was inactive are not back-filled. ' +
          'Transactions already created are not changed.',
        params: idParams,
        body: updateRecurringBody,
        response: { 200: jsonResponse(recurringSchema, 'The template as changed'), ...problemResponses(400, 401, 404, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { template } = await ledger.updateRecurring(
        {
          userId,
          id: request.params.id,
          amount: body.amount,
          transactionType: toProtoTransactionType(body.transaction_type),
          frequency: toProtoFrequency(body.frequency),
          startDate: toProtoDate(body.start_date),
          endDate: toProtoDate(body.end_date ?? undefined),
          clearEndDate: body.end_date === null,
          // "" is the ledger's "none" for both (proto comments); undefined leaves the field alone.
          description: body.description === null ? '' : body.description,
          categoryId: body.category_id === null ? '' : body.category_id,
          currency: body.currency,
          autoCreate: body.auto_create,
          weekend: toProtoWeekend(body.weekend),
          isActive: body.is_active,
        },
        { requestId: request.id },
      );
      return reply.send(toRecurringResponse(template));
    },
  );

  app.delete(
    '/recurring/:id',
    {
      config: byId,
      schema: {
        tags: ['recurring'],
        operationId: 'deleteRecurring',
        summary: 'Deactivate a template',
        description:
          'The template is deactivated (`is_active: false`), not erased: it stays readable, nothing more is created from it, and the transactions it created stay. ' +
          '`PUT` with `is_active: true` activates it again, from today on.',
        params: idParams,
        response: { 204: doc(z.undefined(), 'Deactivated'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      await ledger.deactivateRecurring({ userId, id: request.params.id }, { requestId: request.id });
      return reply.code(204).send();
    },
  );

  app.post(
    '/recurring/:id/process',
    {
      config: byId,
      preValidation: noBodyOrObject,
      schema: {
        tags: ['recurring'],
        operationId: 'processRecurring',
        summary: 'Create the next occurrence now',
        description:
          'Creates the transaction of the current `next_occurrence_date` (even a future one), dated that day, and advances the template to the next occurrence. ' +
          'No body (or `{}`). A deactivated template, or one whose schedule has ended (past `end_date`) → 409. An occurrence is never created twice, ' +
          'also when the scheduler creates it at the same moment. With an `Idempotency-Key` header a retry returns the first answer ' +
          '(201 with `Idempotent-Replayed: true`) and creates nothing; while the first request with the key is still being processed → 409 (retry).',
        params: idParams,
        headers: idempotencyHeaders,
        response: {
          201: { ...jsonResponse(processedRecurringSchema, 'The transaction created and the next occurrence'), headers: processedHeaders },
          // 409: deactivated, ended, or the first request with this Idempotency-Key is still being processed.
          ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { transaction, nextOccurrenceDate, replayed } = await ledger.processRecurring(
        { userId, id: request.params.id, idempotencyKey: request.headers['idempotency-key'] },
        { requestId: request.id },
      );
      const created = toTransactionResponse(transaction);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply
        .code(201)
        .header('location', `/transactions/${created.id}`)
        .send({ transaction: created, next_occurrence_date: toNextOccurrenceDate(nextOccurrenceDate) });
    },
  );

  app.get(
    '/recurring/:id/occurrences',
    {
      config: byId,
      schema: {
        tags: ['recurring'],
        operationId: 'listRecurringOccurrences',
        summary: 'The dates a template produces in a range',
        description:
          'The dates the template produces from `from` to `to` (both inclusive, both required), oldest first, with the weekend rule applied and within ' +
          '`start_date` and `end_date`, so a client can show what is coming. ' +
          'Dates already created are listed too. The range is capped: longer than 1096 days (three years) → 422; at most the first 1000 dates are listed.',
        params: idParams,
        querystring: occurrencesQuery,
        response: { 200: jsonResponse(occurrencesSchema, 'The dates, oldest first'), ...problemResponses(401, 404, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { from, to } = request.query;
      const { dates } = await ledger.listRecurringOccurrences(
        { userId, id: request.params.id, from: toProtoDate(from), to: toProtoDate(to) },
        { requestId: request.id },
      );
      return reply.send({ items: toOccurrenceDates(dates) });
    },
  );
};
