import { v7 as uuidv7 } from 'uuid';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, isoDate, localDate, occurrenceAfter, occurrencesBetween, type IsoDate, type Occurrence } from '@finance/calendar';
import { money } from '@finance/money';
import { canonicalUuid } from '@finance/platform/ids';
import { errors } from '../domain/errors.js';
import { IDEMPOTENCY_TTL_MS, requestFingerprint, validateIdempotencyKey } from '../domain/idempotency.js';
import { decodeRecurringCursor, encodeRecurringCursor, resolvePageSize, toPage, type Page } from '../domain/pagination.js';
import {
  applyRecurringChanges,
  continuationOf,
  MAX_LISTED_OCCURRENCES,
  recurringAmountIn,
  scheduleOf,
  validateNewRecurring,
  validateOccurrenceRange,
  type NewRecurringInput,
  type RecurringChangesInput,
  type RecurringState,
} from '../domain/recurring.js';
import { CategoryEntity, IdempotencyKeyEntity, RecurringOccurrenceEntity, RecurringTemplateEntity, type RecurringTemplate } from '../persistence/ledger.entities.js';
import { selectLastOccurrenceDate, selectUserTimezone, storeUserTimezone } from '../persistence/recurring.queries.js';
import type { LedgerContext } from './context.js';
import { guardUserWrite } from './erasure.js';
import { claimIdempotencyKey, findStoredJson } from './idempotency.js';
import { categoryRaceToDomain, recordTransaction, requireOwnCategory, transactionViewOf } from './transactions.js';
import { requireUserId } from './users.js';
import { processedOccurrenceFromJson, processedOccurrenceToJson, type CategoryRefView, type ProcessedOccurrenceView, type RecurringView } from './views.js';

// Recurring templates (API.md Version 3). A template's cursor is (next_index, next_occurrence_date):
// the n of its next occurrence, counted from start_date (so dates never drift), and its date after
// the weekend rule; null = the schedule has ended. Creating an occurrence — here (ProcessRecurring)
// or in the scheduler (scheduler.ts) — writes the occurrence row, the transaction with its event and
// the advanced cursor in one database transaction, under the template's row lock.

/** Another user's, unknown and malformed ids are all simply "not found". */
function requireRecurringId(id: string): string {
  const canonical = canonicalUuid(id);
  if (!canonical) throw errors.recurringNotFound();
  return canonical;
}

const categoryRefOf = (c: { id: string; name: string; color: string; icon?: string | null | undefined }): CategoryRefView => ({
  id: c.id,
  name: c.name,
  color: c.color,
  icon: c.icon ?? null,
});

function viewOf(t: RecurringTemplate, category: CategoryRefView | null): RecurringView {
  return {
    id: t.id,
    userId: t.userId,
    amountMinor: t.amountMinor.toString(),
    currency: t.currency,
    type: t.transactionType,
    description: t.description,
    categoryId: t.categoryId ?? null,
    category,
    frequency: t.frequency,
    weekend: t.weekend,
    startDate: t.startDate,
    endDate: t.endDate ?? null,
    nextOccurrenceDate: t.nextOccurrenceDate ?? null,
    isActive: t.isActive,
    autoCreate: t.autoCreate,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export function stateOf(t: RecurringTemplate): RecurringState {
  return {
    amount: money(t.amountMinor, t.currency),
    type: t.transactionType,
    description: t.description,
    categoryId: t.categoryId ?? null,
    frequency: t.frequency,
    weekend: t.weekend,
    startDate: isoDate(t.startDate),
    endDate: t.endDate ? isoDate(t.endDate) : null,
    isActive: t.isActive,
    autoCreate: t.autoCreate,
  };
}

/** The template's next occurrence as the schedule functions take it; undefined when it has ended. */
export function nextOccurrenceOf(t: RecurringTemplate): Occurrence | undefined {
  return t.nextOccurrenceDate ? { index: t.nextIndex, date: isoDate(t.nextOccurrenceDate) } : undefined;
}

function setNext(t: RecurringTemplate, next: Occurrence | undefined): void {
  t.nextIndex = next?.index ?? t.nextIndex;
  t.nextOccurrenceDate = next?.date ?? null;
}

async function categoryOf(em: EntityManager, userId: string, categoryId: string | null | undefined): Promise<CategoryRefView | null> {
  if (!categoryId) return null;
  const category = await em.findOne(CategoryEntity, { id: categoryId, userId });
  return category ? categoryRefOf(category) : null;
}

export interface CreateRecurringInput extends NewRecurringInput {
  userId: string;
}

/**
 * Creates a template; its next occurrence is the first on or after start_date (start_date unless
 * the weekend rule moves it). Without a currency the user's base currency is asked from auth; so is
 * the user's time zone, while the ledger knows none for the user (README: time zones).
 */
export async function createRecurring(ctx: LedgerContext, input: CreateRecurringInput): Promise<RecurringView> {
  const userId = requireUserId(input.userId);
  const valid = validateNewRecurring(input);
  const em = ctx.orm.em.fork();
  const profile = valid.amount === undefined || (await selectUserTimezone(em, userId)) === null ? await ctx.users.profileOf(userId) : undefined;
  const amount = valid.amount ?? recurringAmountIn(valid.amountText, profile!.baseCurrency);
  const schedule = scheduleOf(valid);
  const first = continuationOf(schedule, null);
  return categoryRaceToDomain(() =>
    em.transactional(async (tx) => {
      await guardUserWrite(tx, userId);
      const now = ctx.now();
      const category = valid.categoryId ? await requireOwnCategory(tx, userId, valid.categoryId) : null;
      // A snapshot read now must not overwrite a zone from a (newer) auth.user.updated.v1.
      if (profile) await storeUserTimezone(tx, userId, profile.timezone, now, 'if_absent');
      const row = tx.create(RecurringTemplateEntity, {
        id: uuidv7(),
        userId,
        amountMinor: amount.minor,
        currency: amount.currency,
        transactionType: valid.type,
        description: valid.description,
        categoryId: valid.categoryId,
        frequency: valid.frequency,
        weekend: valid.weekend,
        startDate: valid.startDate,
        endDate: valid.endDate,
        nextIndex: first?.index ?? 0,
        nextOccurrenceDate: first?.date ?? null,
        remindedThrough: null,
        isActive: true,
        autoCreate: valid.autoCreate,
        createdAt: now,
        updatedAt: now,
      });
      await tx.flush();
      return viewOf(row, category);
    }),
  );
}

export async function getRecurring(ctx: LedgerContext, userId: string, id: string): Promise<RecurringView> {
  const owner = requireUserId(userId);
  const em = ctx.orm.em.fork();
  const row = await em.findOne(RecurringTemplateEntity, { id: requireRecurringId(id), userId: owner });
  if (!row) throw errors.recurringNotFound();
  return viewOf(row, await categoryOf(em, owner, row.categoryId));
}

export interface ListRecurringInput {
  userId: string;
  limit?: number | undefined;
  cursor?: string | undefined;
  isActive?: boolean | undefined;
}

/** The user's templates, newest first (id desc: ids are UUIDv7), optionally only active or inactive ones. */
export async function listRecurring(ctx: LedgerContext, input: ListRecurringInput): Promise<Page<RecurringView>> {
  const userId = requireUserId(input.userId);
  const limit = resolvePageSize(input.limit);
  const after = decodeRecurringCursor(input.cursor);
  const em = ctx.orm.em.fork();
  const rows = await em.find(
    RecurringTemplateEntity,
    { userId, ...(after ? { id: { $lt: after } } : {}), ...(input.isActive === undefined ? {} : { isActive: input.isActive }) },
    { orderBy: { id: 'desc' }, limit: limit + 1 },
  );
  const categoryIds = [...new Set(rows.map((r) => r.categoryId).filter((id): id is string => !!id))];
  const categories = categoryIds.length ? await em.find(CategoryEntity, { userId, id: { $in: categoryIds } }) : [];
  const byId = new Map(categories.map((c) => [c.id, categoryRefOf(c)]));
  const views = rows.map((r) => viewOf(r, r.categoryId ? (byId.get(r.categoryId) ?? null) : null));
  return toPage(views, limit, (last) => encodeRecurringCursor(last.id));
}

export interface UpdateRecurringInput extends RecurringChangesInput {
  userId: string;
  id: string;
}

/**
 * Changes the fields given. Amount, currency, type, description and category apply to occurrences
 * created from now on. A change of the schedule (frequency, weekend, start_date or end_date)
 * re-anchors it: the next occurrence becomes the first of the new schedule after the latest
 * occurrence already created and on or after the (new) start_date (domain: continuationOf), so no
 * occurrence is ever created twice. Setting is_active back to true does the same from the user's
 * today: the dates that fell while the template was inactive are not created afterwards.
 */
export async function updateRecurring(ctx: LedgerContext, input: UpdateRecurringInput): Promise<RecurringView> {
  const userId = requireUserId(input.userId);
  const id = requireRecurringId(input.id);
  return categoryRaceToDomain(() =>
    ctx.orm.em.fork().transactional(async (tx) => {
      await guardUserWrite(tx, userId);
      const row = await tx.findOne(RecurringTemplateEntity, { id, userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) throw errors.recurringNotFound();
      const applied = applyRecurringChanges(stateOf(row), input);
      if (applied.newCategoryId) await requireOwnCategory(tx, userId, applied.newCategoryId);
      if (applied.changed) {
        const { next } = applied;
        row.amountMinor = next.amount.minor;
        row.currency = next.amount.currency;
        row.transactionType = next.type;
        row.description = next.description;
        row.categoryId = next.categoryId;
        row.frequency = next.frequency;
        row.weekend = next.weekend;
        row.startDate = next.startDate;
        row.endDate = next.endDate;
        const reactivated = !row.isActive && next.isActive;
        row.isActive = next.isActive;
        row.autoCreate = next.autoCreate;
        if (applied.rescheduled || reactivated) {
          const last = await selectLastOccurrenceDate(tx, id);
          let after = last ? isoDate(last) : null;
          if (reactivated) {
            // A template resumed after a pause does not back-fill the dates that fell while it was
            // inactive: it continues with the first occurrence on or after the user's today.
            const yesterday = addDays(localDate(ctx.now(), (await selectUserTimezone(tx, userId)) ?? 'UTC'), -1);
            if (after === null || after < yesterday) after = yesterday;
          }
          setNext(row, continuationOf(scheduleOf(next), after));
          // The new schedule's dates get their own upcoming events (the marks still stop repeats).
          row.remindedThrough = null;
        }
        row.updatedAt = ctx.now();
        await tx.flush();
      }
      return viewOf(row, await categoryOf(tx, userId, row.categoryId));
    }),
  );
}

/** is_active = false; the template stays readable and its transactions stay. Idempotent. */
export async function deactivateRecurring(ctx: LedgerContext, userId: string, id: string): Promise<void> {
  const owner = requireUserId(userId);
  const templateId = requireRecurringId(id);
  await ctx.orm.em.fork().transactional(async (tx) => {
    await guardUserWrite(tx, owner);
    const row = await tx.findOne(RecurringTemplateEntity, { id: templateId, userId: owner }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!row) throw errors.recurringNotFound();
    if (row.isActive) {
      row.isActive = false;
      row.updatedAt = ctx.now();
    }
  });
}

/**
 * Creates the template's next occurrence, under the template's row lock (the caller's transaction
 * holds it): the transaction (with its created event) dated the occurrence's date, the occurrence
 * row — whose primary key (template, date) refuses a second one — and the advanced cursor. Nothing is
 * flushed here: several occurrences become one multi-row insert per table at the caller's flush.
 * Returns the transaction row and the occurrence created.
 */
export function createOccurrence(tx: EntityManager, template: RecurringTemplate, now: Date) {
  const occurrence = nextOccurrenceOf(template)!;
  const transaction = recordTransaction(
    tx,
    {
      userId: template.userId,
      amount: money(template.amountMinor, template.currency),
      type: template.transactionType,
      date: occurrence.date,
      description: template.description,
      categoryId: template.categoryId ?? null,
    },
    now,
  );
  tx.create(RecurringOccurrenceEntity, { templateId: template.id, occurrenceDate: occurrence.date, userId: template.userId, transactionId: transaction.id, createdAt: now });
  setNext(template, occurrenceAfter(scheduleOf(stateOf(template)), occurrence));
  template.updatedAt = now;
  return { transaction, occurrence };
}

export interface ProcessRecurringInput {
  userId: string;
  id: string;
  idempotencyKey?: string | undefined;
}

export interface ProcessedOccurrence extends ProcessedOccurrenceView {
  replayed: boolean;
}

/**
 * Creates the occurrence dated the template's next_occurrence_date — even a future one — and
 * advances it, in one database transaction. Inactive → LEDGER_RECURRING_INACTIVE, ended →
 * LEDGER_RECURRING_ENDED (both FAILED_PRECONDITION, 409). An Idempotency-Key works as for
 * CreateTransaction; the request it fingerprints is (process_recurring, template id).
 */
export async function processRecurring(ctx: LedgerContext, input: ProcessRecurringInput): Promise<ProcessedOccurrence> {
  const userId = requireUserId(input.userId);
  const id = requireRecurringId(input.id);
  const key = input.idempotencyKey === undefined ? undefined : validateIdempotencyKey(input.idempotencyKey);
  const fingerprint = key === undefined ? '' : requestFingerprint({ operation: 'process_recurring', recurring_id: id });
  const em = ctx.orm.em.fork();
  const replay = async (tx: EntityManager, now: Date): Promise<ProcessedOccurrence | undefined> => {
    const earlier = await findStoredJson(tx, userId, key!, fingerprint, now);
    return earlier && { ...processedOccurrenceFromJson(earlier), replayed: true };
  };

  if (key !== undefined) {
    const earlier = await replay(em, ctx.now());
    if (earlier) return earlier;
  }
  const result = await em.transactional(async (tx): Promise<ProcessedOccurrence> => {
    await guardUserWrite(tx, userId);
    const now = ctx.now();
    if (key !== undefined) {
      await claimIdempotencyKey(tx, userId, key, now);
      const earlier = await replay(tx, now);
      if (earlier) return earlier;
    }
    const template = await tx.findOne(RecurringTemplateEntity, { id, userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!template) throw errors.recurringNotFound();
    if (!template.isActive) throw errors.recurringInactive();
    if (!template.nextOccurrenceDate) throw errors.recurringEnded();
    const { transaction } = createOccurrence(tx, template, now);
    await tx.flush();
    const view: ProcessedOccurrenceView = {
      transaction: transactionViewOf(transaction, await categoryOf(tx, userId, transaction.categoryId)),
      nextOccurrenceDate: template.nextOccurrenceDate ?? null,
    };
    if (key !== undefined) {
      tx.create(IdempotencyKeyEntity, {
        userId,
        key,
        requestHash: fingerprint,
        response: processedOccurrenceToJson(view),
        transactionId: transaction.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
    }
    return { ...view, replayed: false };
  });
  if (!result.replayed) ctx.eventsWritten();
  return result;
}

/**
 * The dates the template produces in [from, to] (both inclusive, at most MAX_OCCURRENCE_RANGE_DAYS
 * days apart), created or not, at most MAX_LISTED_OCCURRENCES of them; whether the template is
 * active does not matter (a client shows what the schedule is).
 */
export async function listRecurringOccurrences(ctx: LedgerContext, input: { userId: string; id: string; from: Parameters<typeof validateOccurrenceRange>[0]['from']; to: Parameters<typeof validateOccurrenceRange>[0]['to'] }): Promise<IsoDate[]> {
  const userId = requireUserId(input.userId);
  const id = requireRecurringId(input.id);
  const row = await ctx.orm.em.fork().findOne(RecurringTemplateEntity, { id, userId });
  if (!row) throw errors.recurringNotFound();
  const range = validateOccurrenceRange(input);
  return occurrencesBetween(scheduleOf(stateOf(row)), range.from, range.to, MAX_LISTED_OCCURRENCES);
}
