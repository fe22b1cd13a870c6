import { randomUUID } from 'node:crypto';
import { ForeignKeyConstraintViolationException, LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueEvent } from '@finance/events';
import { categoryDeleted } from '@finance/events/contracts/ledger';
import { canonicalUuid } from '@finance/platform/ids';
import { validateCategoryChanges, validateNewCategory } from '../domain/category.js';
import { errors } from '../domain/errors.js';
import { decodeCategoryCursor, encodeCategoryCursor, resolvePageSize, toPage, type Page } from '../domain/pagination.js';
import { selectCategoryPage } from '../persistence/category.queries.js';
import { CategoryEntity, type Category } from '../persistence/ledger.entities.js';
import { lockTemplatesOfCategory, moveTemplatesToCategory } from '../persistence/recurring.queries.js';
import { moveTransactionsToCategory } from '../persistence/transaction.queries.js';
import type { LedgerContext } from './context.js';
import { guardUserWrite } from './erasure.js';
import { requireUserId } from './users.js';
import type { CategoryView } from './views.js';

function viewOf(c: Category): CategoryView {
  return { id: c.id, userId: c.userId, name: c.name, color: c.color, icon: c.icon ?? null, createdAt: c.createdAt, updatedAt: c.updatedAt };
}

/** Another user's, unknown and malformed ids are all simply "not found". */
function requireCategoryId(id: string): string {
  const canonical = canonicalUuid(id);
  if (!canonical) throw errors.categoryNotFound();
  return canonical;
}

/** The per-user case-insensitive unique index decides, also between concurrent requests. */
async function nameConflictsToDomain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw errors.categoryNameTaken();
    throw err;
  }
}

export async function createCategory(ctx: LedgerContext, input: { userId: string; name: string; color: string; icon?: string | undefined }): Promise<CategoryView> {
  const userId = requireUserId(input.userId);
  const valid = validateNewCategory(input);
  const category = await nameConflictsToDomain(() =>
    ctx.orm.em.fork().transactional(async (tx) => {
      await guardUserWrite(tx, userId);
      const now = ctx.now();
      return tx.create(CategoryEntity, { id: randomUUID(), userId, ...valid, createdAt: now, updatedAt: now });
    }),
  );
  return viewOf(category);
}

export async function getCategory(ctx: LedgerContext, userId: string, id: string): Promise<CategoryView> {
  const category = await ctx.orm.em.fork().findOne(CategoryEntity, { id: requireCategoryId(id), userId: requireUserId(userId) });
  if (!category) throw errors.categoryNotFound();
  return viewOf(category);
}

export async function listCategories(ctx: LedgerContext, input: { userId: string; limit?: number | undefined; cursor?: string | undefined }): Promise<Page<CategoryView>> {
  const userId = requireUserId(input.userId);
  const limit = resolvePageSize(input.limit);
  const after = decodeCategoryCursor(input.cursor);
  const rows = await selectCategoryPage(ctx.orm.em.fork(), userId, after, limit + 1);
  const page = toPage(rows, limit, (last) => encodeCategoryCursor({ nameKey: last.nameKey, id: last.view.id }));
  return { items: page.items.map((r) => r.view), nextCursor: page.nextCursor };
}

export async function updateCategory(
  ctx: LedgerContext,
  input: { userId: string; id: string; name?: string | undefined; color?: string | undefined; icon?: string | undefined },
): Promise<CategoryView> {
  const userId = requireUserId(input.userId);
  const id = requireCategoryId(input.id);
  const changes = validateCategoryChanges(input);
  const category = await nameConflictsToDomain(() =>
    ctx.orm.em.fork().transactional(async (tx) => {
      await guardUserWrite(tx, userId);
      const found = await tx.findOne(CategoryEntity, { id, userId });
      if (!found) throw errors.categoryNotFound();
      const before = JSON.stringify([found.name, found.color, found.icon ?? null]);
      if (changes.name !== undefined) found.name = changes.name;
      if (changes.color !== undefined) found.color = changes.color;
      if (changes.icon !== undefined) found.icon = changes.icon;
      if (JSON.stringify([found.name, found.color, found.icon ?? null]) !== before) found.updatedAt = ctx.now();
      return found;
    }),
  );
  return viewOf(category);
}

/**
 * Deletes a category. Its transactions and recurring templates are kept: moved to `reassignTo`
 * (another of the user's categories) or left uncategorized; `ledger.category.deleted.v1` says
 * which, in the same database transaction.
 */
export async function deleteCategory(ctx: LedgerContext, input: { userId: string; id: string; reassignTo?: string | undefined }): Promise<void> {
  const userId = requireUserId(input.userId);
  const id = requireCategoryId(input.id);
  let target: string | null = null;
  if (input.reassignTo !== undefined && input.reassignTo !== '') {
    const reassign = canonicalUuid(input.reassignTo);
    if (!reassign || reassign === id) throw errors.unknownCategory('reassign_to');
    target = reassign;
  }
  try {
    await ctx.orm.em.fork().transactional(async (tx) => {
      await guardUserWrite(tx, userId);
      // Templates before categories: ProcessRecurring and the scheduler lock a template and then
      // (by the new transaction's foreign key) its category; the other order could deadlock.
      await lockTemplatesOfCategory(tx, userId, id);
      await lockCategories(tx, userId, id, target);
      const moved = await moveTransactionsToCategory(tx, userId, id, target, ctx.now());
      await moveTemplatesToCategory(tx, userId, id, target, ctx.now());
      await tx.nativeDelete(CategoryEntity, { id, userId });
      enqueueEvent(tx, categoryDeleted, { user_id: userId, category_id: id, reassigned_to: target });
      return moved;
    });
  } catch (err) {
    if (err instanceof ForeignKeyConstraintViolationException) throw errors.unknownCategory('reassign_to');
    throw err;
  }
  ctx.eventsWritten();
}

/**
 * Locks the category and the reassignment target, in id order: two deletions reassigning to
 * each other then queue instead of deadlocking, and the second finds its target gone.
 */
async function lockCategories(tx: EntityManager, userId: string, id: string, target: string | null): Promise<void> {
  const ids = target ? [id, target].sort() : [id];
  const found = await tx.find(CategoryEntity, { userId, id: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
  if (!found.some((c) => c.id === id)) throw errors.categoryNotFound();
  if (target && !found.some((c) => c.id === target)) throw errors.unknownCategory('reassign_to');
}
