import { randomUUID } from 'node:crypto';
import type { CalendarDate, IsoDate } from '@finance/calendar';
import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import {
  amountInCurrency,
  applyBudgetChanges,
  defaultBudgetName,
  validateNewBudget,
  type BudgetChangesInput,
  type BudgetState,
  type NewBudgetInput,
} from '../domain/budget.js';
import { errors, FieldErrors, UNKNOWN_CATEGORY_MESSAGE } from '../domain/errors.js';
import { decodeBudgetCursor, encodeBudgetCursor, resolvePageSize, toPage, type Page } from '../domain/pagination.js';
import {
  deleteBudget as deleteBudgetRow,
  findBudget,
  insertBudget,
  isCategoryDeleted,
  lockCategory,
  selectBudgetPage,
  updateBudget as updateBudgetRow,
} from '../persistence/budget.queries.js';
import { requestBudgetCheck } from '../persistence/threshold.queries.js';
import { analyseOn, resolveDate } from './analysis.js';
import type { BudgetingContext } from './context.js';
import { guardUserWrite } from './erasure.js';
import { requireUserId } from './users.js';
import type { AnalysedBudget, BudgetView } from './views.js';

/** Another user's, unknown and malformed ids are all simply "not found". */
function requireBudgetId(id: string): string {
  const canonical = canonicalUuid(id);
  if (!canonical) throw errors.budgetNotFound();
  return canonical;
}

function stateOf(b: BudgetView): BudgetState {
  return { name: b.name, amount: b.amount, period: b.period, startDate: b.startDate, endDate: b.endDate, categoryId: b.categoryId };
}

/**
 * A budget may get a category only while the ledger has not deleted it. Under the category's lock,
 * the tombstone written by the category-deleted consumer decides: either that consumer ran first
 * (refused here), or it runs after this commit and deletes the budget with the others.
 */
async function guardCategory(tx: EntityManager, categoryId: string): Promise<void> {
  await lockCategory(tx, categoryId);
  if (await isCategoryDeleted(tx, categoryId)) throw errors.unknownCategory();
}

export interface CreateBudgetInput extends NewBudgetInput {
  userId: string;
}

/**
 * Creates a budget. Without a currency the user's base currency is asked from auth (only then); a
 * category is asked from the ledger, which knows whose it is. Every invalid field is reported at once.
 */
export async function createBudget(ctx: BudgetingContext, input: CreateBudgetInput): Promise<BudgetView> {
  const userId = requireUserId(input.userId);
  const fields = new FieldErrors();
  const valid = validateNewBudget(fields, input);
  fields.throwIfAny();

  const [profile, category] = await Promise.all([
    valid.currency === undefined ? ctx.users.profileOf(userId) : undefined,
    valid.categoryId === null ? undefined : ctx.ledger.findCategory(userId, valid.categoryId),
  ]);
  const amount = valid.amount ?? amountInCurrency(fields, valid.amountText, profile!.baseCurrency);
  if (valid.categoryId !== null && !category) fields.add('category_id', UNKNOWN_CATEGORY_MESSAGE);
  fields.throwIfAny();

  const state: BudgetState = {
    name: valid.name ?? defaultBudgetName(valid.period, category?.name),
    amount: amount!,
    period: valid.period,
    startDate: valid.startDate,
    endDate: valid.endDate,
    categoryId: valid.categoryId,
  };
  const created = await ctx.orm.em.fork().transactional(async (tx) => {
    await guardUserWrite(tx, userId);
    if (state.categoryId !== null) await guardCategory(tx, state.categoryId);
    const budget = await insertBudget(tx, { id: randomUUID(), userId, state, now: ctx.now() });
    // A budget created where the period's spending already reaches 80 or 100 % announces it.
    await requestBudgetCheck(tx, userId, budget.id);
    return budget;
  });
  ctx.thresholdChecksRequested?.();
  return created;
}

/** Whether a change can move where the budget stands against its thresholds (a rename cannot). */
function movesThresholds(before: BudgetState, after: BudgetState): boolean {
  return (
    before.amount.minor !== after.amount.minor ||
    before.amount.currency !== after.amount.currency ||
    before.period !== after.period ||
    before.startDate !== after.startDate ||
    before.endDate !== after.endDate ||
    before.categoryId !== after.categoryId
  );
}

/** The budget with the analysis of the period containing `date` (default: today in the user's time zone). */
export async function getBudget(ctx: BudgetingContext, input: { userId: string; id: string; date?: CalendarDate | undefined }): Promise<AnalysedBudget> {
  const userId = requireUserId(input.userId);
  const id = requireBudgetId(input.id);
  const budget = await findBudget(ctx.orm.em.fork(), userId, id);
  if (!budget) throw errors.budgetNotFound();
  const date: IsoDate = await resolveDate(ctx, userId, input.date);
  return { budget, analysis: await analyseOn(ctx, budget, date) };
}

export async function listBudgets(ctx: BudgetingContext, input: { userId: string; limit?: number | undefined; cursor?: string | undefined }): Promise<Page<BudgetView>> {
  const userId = requireUserId(input.userId);
  const limit = resolvePageSize(input.limit);
  const after = decodeBudgetCursor(input.cursor);
  const rows = await selectBudgetPage(ctx.orm.em.fork(), userId, after, limit + 1);
  const page = toPage(rows, limit, (last) => encodeBudgetCursor({ createdKey: last.createdKey, id: last.view.id }));
  return { items: page.items.map((r) => r.view), nextCursor: page.nextCursor };
}

export interface UpdateBudgetInput extends BudgetChangesInput {
  userId: string;
  id: string;
}

/**
 * Changes the fields given. The changes are checked against the budget as read, then applied again
 * to the row locked in the transaction, so a concurrent update of other fields is not lost and the
 * result is still a valid budget.
 */
export async function updateBudget(ctx: BudgetingContext, input: UpdateBudgetInput): Promise<BudgetView> {
  const userId = requireUserId(input.userId);
  const id = requireBudgetId(input.id);
  const current = await findBudget(ctx.orm.em.fork(), userId, id);
  if (!current) throw errors.budgetNotFound();

  const fields = new FieldErrors();
  const applied = applyBudgetChanges(fields, stateOf(current), input);
  if (applied.newCategoryId !== undefined && !(await ctx.ledger.findCategory(userId, applied.newCategoryId))) {
    fields.add('category_id', UNKNOWN_CATEGORY_MESSAGE);
  }
  fields.throwIfAny();
  if (!applied.changed) return current;

  let checkQueued = false;
  const result = await ctx.orm.em.fork().transactional(async (tx) => {
    await guardUserWrite(tx, userId);
    const locked = await findBudget(tx, userId, id, { forUpdate: true });
    if (!locked) throw errors.budgetNotFound();
    const again = new FieldErrors();
    const { next, changed, newCategoryId } = applyBudgetChanges(again, stateOf(locked), input);
    again.throwIfAny();
    if (!changed) return locked;
    if (newCategoryId !== undefined) await guardCategory(tx, newCategoryId);
    const updated = await updateBudgetRow(tx, userId, id, next, ctx.now());
    if (!updated) throw errors.budgetNotFound();
    // A lowered amount, another category, currency or period may reach a threshold now.
    if (movesThresholds(stateOf(locked), next)) {
      await requestBudgetCheck(tx, userId, id);
      checkQueued = true;
    }
    return updated;
  });
  if (checkQueued) ctx.thresholdChecksRequested?.();
  return result;
}

export async function deleteBudget(ctx: BudgetingContext, input: { userId: string; id: string }): Promise<void> {
  const userId = requireUserId(input.userId);
  const id = requireBudgetId(input.id);
  if (!(await deleteBudgetRow(ctx.orm.em.fork(), userId, id))) throw errors.budgetNotFound();
}
