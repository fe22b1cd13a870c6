import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import { categoryPageSchema, categorySchema, colorField, iconField, nameField, toCategoryResponse } from './ledger.schemas.js';
import { idField, idParams, nextCursor, pageQueryFields } from './schemas.js';
import type { LedgerRoutesOptions } from './transactions.routes.js';

/** The ledger's answer for a category that is missing or someone else's; also for a malformed id. */
export const CATEGORY_NOT_FOUND = { code: 'LEDGER_CATEGORY_NOT_FOUND', detail: 'Category not found.' };

const createCategoryBody = z.object({
  name: doc(nameField, 'Unique among your categories (case-insensitive); 1–100 characters'),
  color: colorField,
  icon: doc(iconField.nullish(), 'Absent, null or "" = no icon'),
});

const updateCategoryBody = z.object({
  name: doc(nameField.optional(), 'Unique among your categories (case-insensitive)'),
  color: colorField.optional(),
  icon: doc(iconField.nullable().optional(), 'null or "" = no icon'),
});

const listCategoriesQuery = z.object({ ...pageQueryFields });

const deleteCategoryQuery = z.object({
  reassign_to: doc(idField.optional(), 'Move the category’s transactions and recurring templates to this category; absent = they become uncategorized'),
});

export const categoriesRoutes: FastifyPluginAsyncZod<LedgerRoutesOptions> = async (app, { ledger }) => {
  const byId = { notFound: CATEGORY_NOT_FOUND };

  app.post(
    '/categories',
    {
      schema: {
        tags: ['categories'],
        operationId: 'createCategory',
        summary: 'Create a category',
        description: 'A second category with the same name (case-insensitive) → 409.',
        body: createCategoryBody,
        response: {
          201: { ...jsonResponse(categorySchema, 'The category'), headers: { Location: { type: 'string', description: 'The path of the category' } } },
          ...problemResponses(400, 401, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { category } = await ledger.createCategory(
        { userId, name: body.name, color: body.color, icon: body.icon || undefined },
        { requestId: request.id },
      );
      const created = toCategoryResponse(category);
      return reply.code(201).header('location', `/categories/${created.id}`).send(created);
    },
  );

  app.get(
    '/categories',
    {
      schema: {
        tags: ['categories'],
        operationId: 'listCategories',
        summary: 'Your categories',
        description: 'Follow `next_cursor` until it is null.',
        querystring: listCategoriesQuery,
        response: { 200: jsonResponse(categoryPageSchema, 'A page of categories'), ...problemResponses(401, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { limit, cursor } = request.query;
      const { items, page } = await ledger.listCategories({ userId, page: { limit, cursor: cursor ?? '' } }, { requestId: request.id });
      return reply.send({ items: items.map(toCategoryResponse), next_cursor: nextCursor(page) });
    },
  );

  app.get(
    '/categories/:id',
    {
      config: byId,
      schema: {
        tags: ['categories'],
        operationId: 'getCategory',
        summary: 'One category',
        params: idParams,
        response: { 200: jsonResponse(categorySchema, 'The category'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { category } = await ledger.getCategory({ userId, id: request.params.id }, { requestId: request.id });
      return reply.send(toCategoryResponse(category));
    },
  );

  app.put(
    '/categories/:id',
    {
      config: byId,
      schema: {
        tags: ['categories'],
        operationId: 'updateCategory',
        summary: 'Change category fields',
        description: 'Fields left out keep their value. `icon: null` removes the icon.',
        params: idParams,
        body: updateCategoryBody,
        response: { 200: jsonResponse(categorySchema, 'The category as changed'), ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const body = request.body;
      const { category } = await ledger.updateCategory(
        {
          userId,
          id: request.params.id,
          name: body.name,
          color: body.color,
          // "" is the ledger's "no icon" (proto comment); undefined leaves it alone.
          icon: body.icon === null ? '' : body.icon,
        },
        { requestId: request.id },
      );
      return reply.send(toCategoryResponse(category));
    },
  );

  app.delete(
    '/categories/:id',
    {
      config: byId,
      schema: {
        tags: ['categories'],
        operationId: 'deleteCategory',
        summary: 'Delete a category; its transactions are kept',
        description:
          'Its transactions (and recurring templates) move to `reassign_to`, or become uncategorized (`category_id: null`) without it. Budgets of the category are deleted.',
        params: idParams,
        querystring: deleteCategoryQuery,
        response: { 204: doc(z.undefined(), 'Deleted'), ...problemResponses(401, 404, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      await ledger.deleteCategory({ userId, id: request.params.id, reassignTo: request.query.reassign_to }, { requestId: request.id });
      return reply.code(204).send();
    },
  );
};
