import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LedgerClient } from '../clients.js';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import {
  descriptionField,
  idempotencyKeyHeader,
  toProtoTransactionType,
  toTransactionResponse,
  transactionPageSchema,
  transactionSchema,
  transactionTypeField,
} from './ledger.schemas.js';
import { amountField, currencyField, dateField, idField, idParams, nextCursor, pageQueryFields, textField, toProtoDate } from './schemas.js';

export interface LedgerRoutesOptions {
  ledger: LedgerClient;
}

/** The ledger's answer for a transaction that is missing or someone else's; also for a malformed id. */
export const TRANSACTION_NOT_FOUND = { code: 'LEDGER_TRANSACTION_NOT_FOUND', detail: 'Transaction not found.' };

const createTransactionBody = z.object({
  amount: amountField,
  transaction_type: transactionTypeField,
  date: dateField,
  description: doc(descriptionField.nullish(), 'Up to 1000 characters'),
  category_id: doc(idField.nullish(), 'One of your categories; absent or null = uncategorized'),
  currency: doc(currencyField.optional(), 'ISO 4217; absent = your `base_currency`'),
});

const updateTransactionBody = z.object({
  amount: amountField.optional(),
  transaction_type: transactionTypeField.optional(),
  date: dateField.optional(),
  description: doc(descriptionField.nullable().optional(), 'null or "" = no description'),
  category_id: doc(idField.nullable().optional(), 'null = uncategorized'),
  currency: doc(currencyField.optional(), 'ISO 4217; the amount must suit it'),
});

const listTransactionsQuery = z
  .object({
    ...pageQueryFields,
    from: doc(dateField.optional(), 'Only transactions on or after this date'),
    to: doc(dateField.optional(), 'Only transactions on or before this date'),
    transaction_type: transactionTypeField.optional(),
    category_id: doc(idField.optional(), 'Only transactions of this category'),
    q: doc(textField(1000).optional(), 'Only transactions whose description contains this text (case-insensitive, literal)'),
  })
  .superRefine((query, ctx) => {
    // ISO dates compare correctly as strings.
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`' });
    }
  });

const idempotencyHeaders = z.looseObject({ 'idempotency-key': idempotencyKeyHeader.optional() });

const createdHeaders = {
  Location: { type: 'string', description: 'The path of the transaction' },
  'Idempotent-Replayed': { type: 'string', enum: ['true'], description: 'Present when this is the stored answer to an earlier request with the same Idempotency-Key' },
};

export const transactionsRoutes: FastifyPluginAsyncZod<LedgerRoutesOptions> = async (app, { ledger }) => {
  const byId = { notFound: TRANSACTION_NOT_FOUND };

  app.post(
    '/transactions',
    {
      schema: {
        tags: ['transactions'],
        operationId: 'createTransaction',
        summary: 'Record an income or an expense',
        description:
          'The amount is > 0; its sign comes from `transaction_type`. With an `Idempotency-Key` header a retry with the same body returns the first answer ' +
          '(201 with `Idempotent-Replayed: true`) and creates nothing; the same key with a different body → 422; while the first request with the key ' +
          'is still being processed → 409 (retry).',
        headers: idempotencyHeaders,
        body: createTransactionBody,
        response: {
          201: { ...jsonResponse(transactionSchema, 'The transaction'), headers: createdHeaders },
          // 409: the first request with this Idempotency-Key is still being processed; retry.
          ...problemResponses(400, 401, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { transaction, replayed } = await ledger.createTransaction(
        {
          userId,
          amount: body.amount,
          transactionType: toProtoTransactionType(body.transaction_type),
          date: toProtoDate(body.date),
          description: body.description ?? '',
          categoryId: body.category_id ?? undefined,
          currency: body.currency,
          idempotencyKey: request.headers['idempotency-key'],
        },
        { requestId: request.id },
      );
      const created = toTransactionResponse(transaction);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', `/transactions/${created.id}`).send(created);
    },
  );

  app.get(
    '/transactions',
    {
      schema: {
        tags: ['transactions'],
        operationId: 'listTransactions',
        summary: 'Your transactions, newest date first',
        description:
          'Newest `date` first; within a day, the most recently recorded first. Filters combine. `from` and `to` are inclusive. ' +
          'Pages are stable while transactions are added: follow `next_cursor` until it is null.',
        querystring: listTransactionsQuery,
        response: { 200: jsonResponse(transactionPageSchema, 'A page of transactions'), ...problemResponses(401, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const query = request.query;
      const { items, page } = await ledger.listTransactions(
        {
          userId,
          page: { limit: query.limit, cursor: query.cursor ?? '' },
          from: toProtoDate(query.from),
          to: toProtoDate(query.to),
          transactionType: toProtoTransactionType(query.transaction_type),
          categoryId: query.category_id,
          q: query.q || undefined,
        },
        { requestId: request.id },
      );
      return reply.send({ items: items.map(toTransactionResponse), next_cursor: nextCursor(page) });
    },
  );

  app.get(
    '/transactions/:id',
    {
      config: byId,
      schema: {
        tags: ['transactions'],
        operationId: 'getTransaction',
        summary: 'One transaction',
        params: idParams,
        response: { 200: jsonResponse(transactionSchema, 'The transaction'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { transaction } = await ledger.getTransaction({ userId, id: request.params.id }, { requestId: request.id });
      return reply.send(toTransactionResponse(transaction));
    },
  );

  app.put(
    '/transactions/:id',
    {
      config: byId,
      schema: {
        tags: ['transactions'],
        operationId: 'updateTransaction',
        summary: 'Change transaction fields',
        description: 'Fields left out keep their value. `category_id: null` makes the transaction uncategorized.',
        params: idParams,
        body: updateTransactionBody,
        response: { 200: jsonResponse(transactionSchema, 'The transaction as changed'), ...problemResponses(400, 401, 404, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { transaction } = await ledger.updateTransaction(
        {
          userId,
          id: request.params.id,
          amount: body.amount,
          transactionType: toProtoTransactionType(body.transaction_type),
          date: toProtoDate(body.date),
          // "" is the ledger's "none" for both (proto comments); undefined leaves the field alone.
          description: body.description === null ? '' : body.description,
          categoryId: body.category_id === null ? '' : body.category_id,
          currency: body.currency,
        },
        { requestId: request.id },
      );
      return reply.send(toTransactionResponse(transaction));
    },
  );

  app.delete(
    '/transactions/:id',
    {
      config: byId,
      schema: {
        tags: ['transactions'],
        operationId: 'deleteTransaction',
        summary: 'Delete a transaction',
        params: idParams,
        response: { 204: doc(z.undefined(), 'Deleted'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      await ledger.deleteTransaction({ userId, id: request.params.id }, { requestId: request.id });
      return reply.code(204).send();
    },
  );
};
