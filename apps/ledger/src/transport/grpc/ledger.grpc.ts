import { isoDate, toCalendarDate, type Frequency, type WeekendRule } from '@finance/calendar';
import { ledgerV1 } from '@finance/proto';
import type { AsyncServiceImplementation, GrpcServiceRegistration } from '@finance/platform';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from '../../application/categories.js';
import type { LedgerContext } from '../../application/context.js';
import {
  createRecurring,
  deactivateRecurring,
  getRecurring,
  listRecurring,
  listRecurringOccurrences,
  processRecurring,
  updateRecurring,
} from '../../application/recurring.js';
import { importTransactions } from '../../application/import.js';
import type { ImportRowInput } from '../../domain/import.js';
import { sumTransactions } from '../../application/sums.js';
import { createTransaction, deleteTransaction, getTransaction, listTransactions, streamTransactions, updateTransaction } from '../../application/transactions.js';
import type { CategoryView, RecurringView, StreamedTransactionView, TransactionView } from '../../application/views.js';
import { errors } from '../../domain/errors.js';
import { GROUPING_MESSAGE, type SumGrouping } from '../../domain/sums.js';
import type { TransactionType } from '../../domain/transaction.js';

const { TransactionType: ProtoType, SumGrouping: ProtoGrouping, Frequency: ProtoFrequency, WeekendRule: ProtoWeekend } = ledgerV1;

/** UNSPECIFIED = not given; a number outside the enum is an invalid field, not "not given". */
function typeFromProto(value: ledgerV1.TransactionType): TransactionType | undefined {
  switch (value) {
    case ProtoType.TRANSACTION_TYPE_UNSPECIFIED:
      return undefined;
    case ProtoType.TRANSACTION_TYPE_INCOME:
      return 'income';
    case ProtoType.TRANSACTION_TYPE_EXPENSE:
      return 'expense';
    default:
      throw errors.invalidField('transaction_type', 'must be "income" or "expense"');
  }
}

/** A row's type: UNSPECIFIED and numbers outside the enum are both "not set", reported on the row's path by the domain. */
function importTypeFromProto(value: ledgerV1.TransactionType): TransactionType | undefined {
  if (value === ProtoType.TRANSACTION_TYPE_INCOME) return 'income';
  if (value === ProtoType.TRANSACTION_TYPE_EXPENSE) return 'expense';
  return undefined;
}

function typeToProto(type: TransactionType): ledgerV1.TransactionType {
  return type === 'income' ? ProtoType.TRANSACTION_TYPE_INCOME : ProtoType.TRANSACTION_TYPE_EXPENSE;
}

const GROUPINGS: Partial<Record<ledgerV1.SumGrouping, SumGrouping>> = {
  [ProtoGrouping.SUM_GROUPING_CATEGORY]: 'category',
  [ProtoGrouping.SUM_GROUPING_DAY]: 'day',
  [ProtoGrouping.SUM_GROUPING_WEEK]: 'week',
  [ProtoGrouping.SUM_GROUPING_MONTH]: 'month',
  [ProtoGrouping.SUM_GROUPING_YEAR]: 'year',
  [ProtoGrouping.SUM_GROUPING_DAY_CATEGORY]: 'day_category',
};

const FREQUENCIES: Partial<Record<ledgerV1.Frequency, Frequency>> = {
  [ProtoFrequency.FREQUENCY_DAILY]: 'daily',
  [ProtoFrequency.FREQUENCY_WEEKLY]: 'weekly',
  [ProtoFrequency.FREQUENCY_MONTHLY]: 'monthly',
  [ProtoFrequency.FREQUENCY_YEARLY]: 'yearly',
};
const FREQUENCY_TO_PROTO: Record<Frequency, ledgerV1.Frequency> = {
  daily: ProtoFrequency.FREQUENCY_DAILY,
  weekly: ProtoFrequency.FREQUENCY_WEEKLY,
  monthly: ProtoFrequency.FREQUENCY_MONTHLY,
  yearly: ProtoFrequency.FREQUENCY_YEARLY,
};
const WEEKEND_RULES: Partial<Record<ledgerV1.WeekendRule, WeekendRule>> = {
  [ProtoWeekend.WEEKEND_RULE_UNSPECIFIED]: 'none',
  [ProtoWeekend.WEEKEND_RULE_NONE]: 'none',
  [ProtoWeekend.WEEKEND_RULE_BEFORE]: 'before',
  [ProtoWeekend.WEEKEND_RULE_AFTER]: 'after',
};
const WEEKEND_TO_PROTO: Record<WeekendRule, ledgerV1.WeekendRule> = {
  none: ProtoWeekend.WEEKEND_RULE_NONE,
  before: ProtoWeekend.WEEKEND_RULE_BEFORE,
  after: ProtoWeekend.WEEKEND_RULE_AFTER,
};

/**
 * UNSPECIFIED = not given (undefined); a number outside the enum passes through as itself, which the
 * domain reports as an invalid `frequency` together with the request's other field errors.
 */
function frequencyFromProto(value: ledgerV1.Frequency | undefined): unknown {
  if (value === undefined || value === ProtoFrequency.FREQUENCY_UNSPECIFIED) return undefined;
  return FREQUENCIES[value] ?? value;
}

/** UNSPECIFIED = "none"; unknown numbers pass through to be reported as an invalid `weekend`. */
function weekendFromProto(value: ledgerV1.WeekendRule | undefined): unknown {
  if (value === undefined) return undefined;
  return WEEKEND_RULES[value] ?? value;
}

function toRecurring(t: RecurringView): ledgerV1.RecurringTemplate {
  return {
    id: t.id,
    userId: t.userId,
    amount: { minorUnits: t.amountMinor, currency: t.currency },
    transactionType: typeToProto(t.type),
    description: t.description,
    categoryId: t.categoryId ?? undefined,
    category: t.category ? { id: t.category.id, name: t.category.name, color: t.category.color, icon: t.category.icon ?? undefined } : undefined,
    frequency: FREQUENCY_TO_PROTO[t.frequency],
    weekend: WEEKEND_TO_PROTO[t.weekend],
    startDate: toCalendarDate(isoDate(t.startDate)),
    endDate: t.endDate ? toCalendarDate(isoDate(t.endDate)) : undefined,
    nextOccurrenceDate: t.nextOccurrenceDate ? toCalendarDate(isoDate(t.nextOccurrenceDate)) : undefined,
    isActive: t.isActive,
    autoCreate: t.autoCreate,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

function toTransaction(t: TransactionView): ledgerV1.Transaction {
  return {
    id: t.id,
    userId: t.userId,
    amount: { minorUnits: t.amountMinor, currency: t.currency },
    transactionType: typeToProto(t.type),
    date: toCalendarDate(isoDate(t.date)),
    description: t.description,
    categoryId: t.categoryId ?? undefined,
    category: t.category ? { id: t.category.id, name: t.category.name, color: t.category.color, icon: t.category.icon ?? undefined } : undefined,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

/**
 * The most a StreamTransactions message holds, in UTF-8 bytes of its texts (counted from above:
 * three per UTF-16 unit, plus a row's fixed cells): far under the 8 MiB a client receives, and a
 * chunk reporting writes at once. A batch of 8,000 rows of 1,000-character descriptions is cut into
 * many messages; one of the usual rows (~90 bytes each) fits whole.
 */
export const STREAM_MESSAGE_BYTES = 1024 * 1024;
const STREAM_ROW_FIXED_BYTES = 96; // id, date, type, amount, currency and the field tags

/** `rows` in order, in runs of at most STREAM_MESSAGE_BYTES (a run holds at least one row). */
function* streamMessages(rows: readonly StreamedTransactionView[]): Generator<StreamedTransactionView[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const size = STREAM_ROW_FIXED_BYTES + 3 * (row.description.length + (row.categoryName?.length ?? 0));
    if (i > start && bytes + size > STREAM_MESSAGE_BYTES) {
      yield rows.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < rows.length) yield start === 0 ? (rows as StreamedTransactionView[]) : rows.slice(start);
}

/** A streamed row: only what StreamTransactions carries (ledger.proto StreamedTransaction). */
function toStreamedTransaction(t: StreamedTransactionView): ledgerV1.StreamedTransaction {
  return {
    id: t.id,
    date: toCalendarDate(t.date),
    transactionType: typeToProto(t.type),
    amount: { minorUnits: t.amountMinor, currency: t.currency },
    categoryName: t.categoryName ?? undefined,
    description: t.description,
  };
}

function toCategory(c: CategoryView): ledgerV1.Category {
  return { id: c.id, name: c.name, color: c.color, icon: c.icon ?? undefined, createdAt: c.createdAt, updatedAt: c.updatedAt };
}

/** proto ⇄ use cases, nothing more. */
export function ledgerGrpcService(ctx: LedgerContext): AsyncServiceImplementation<typeof ledgerV1.LedgerServiceService> {
  return {
    createTransaction: async (req) => {
      const { transaction, replayed } = await createTransaction(ctx, {
        userId: req.userId,
        amount: req.amount,
        type: typeFromProto(req.transactionType),
        date: req.date,
        description: req.description,
        categoryId: req.categoryId,
        currency: req.currency,
        idempotencyKey: req.idempotencyKey,
      });
      return { transaction: toTransaction(transaction), replayed };
    },
    getTransaction: async (req) => ({ transaction: toTransaction(await getTransaction(ctx, req.userId, req.id)) }),
    listTransactions: async (req) => {
      const page = await listTransactions(ctx, {
        userId: req.userId,
        limit: req.page?.limit,
        cursor: req.page?.cursor,
        from: req.from,
        to: req.to,
        type: typeFromProto(req.transactionType),
        categoryId: req.categoryId,
        q: req.q,
      });
      return { items: page.items.map(toTransaction), page: { nextCursor: page.nextCursor } };
    },
    streamTransactions: async function* (req, { signal }) {
      for await (const batch of streamTransactions(ctx, { userId: req.userId, from: req.from, to: req.to }, signal)) {
        for (const rows of streamMessages(batch)) yield { rows: rows.map(toStreamedTransaction) };
      }
    },
    importTransactions: async (requests) => {
      const stream = requests[Symbol.asyncIterator]();
      const first = await stream.next();
      const head = first.done ? undefined : first.value;
      // Rows count only from a stream whose last message says so: grpc-js may end the stream of a
      // cancelled call before it reports the cancellation, and a part must not be imported as a whole.
      async function* batches() {
        if (!head) return;
        yield head.rows.map(importRowInput);
        let ended = head.endOfRows;
        for (let next = await stream.next(); !next.done; next = await stream.next()) {
          if (ended) throw errors.invalidField('end_of_rows', 'was set on a message that is not the last');
          if (next.value.userId !== '' && next.value.userId !== head.userId) throw errors.invalidField('user_id', 'must be the first message’s (or unset) in every later message');
          yield next.value.rows.map(importRowInput);
          ended = next.value.endOfRows;
        }
        if (!ended) throw errors.invalidField('end_of_rows', 'no message had it: the import was abandoned before its last rows, and nothing was written');
      }
      const result = await importTransactions(ctx, {
        userId: head?.userId ?? '',
        batches: batches(),
        dryRun: head?.dryRun ?? false,
        idempotencyKey: head?.idempotencyKey,
      });
      return {
        imported: String(result.imported),
        skippedDuplicates: String(result.skippedDuplicates),
        categoriesCreated: String(result.categoriesCreated),
        replayed: result.replayed,
      };
    },
    updateTransaction: async (req) => {
      const transaction = await updateTransaction(ctx, {
        userId: req.userId,
        id: req.id,
        amount: req.amount,
        type: typeFromProto(req.transactionType),
        date: req.date,
        description: req.description,
        categoryId: req.categoryId,
        currency: req.currency,
      });
      return { transaction: toTransaction(transaction) };
    },
    deleteTransaction: async (req) => {
      await deleteTransaction(ctx, req.userId, req.id);
      return {};
    },
    createCategory: async (req) => ({ category: toCategory(await createCategory(ctx, req)) }),
    getCategory: async (req) => ({ category: toCategory(await getCategory(ctx, req.userId, req.id)) }),
    listCategories: async (req) => {
      const page = await listCategories(ctx, { userId: req.userId, limit: req.page?.limit, cursor: req.page?.cursor });
      return { items: page.items.map(toCategory), page: { nextCursor: page.nextCursor } };
    },
    updateCategory: async (req) => ({ category: toCategory(await updateCategory(ctx, req)) }),
    deleteCategory: async (req) => {
      await deleteCategory(ctx, { userId: req.userId, id: req.id, reassignTo: req.reassignTo });
      return {};
    },
    createRecurring: async (req) => {
      const template = await createRecurring(ctx, {
        userId: req.userId,
        amount: req.amount,
        currency: req.currency,
        type: typeFromProto(req.transactionType),
        frequency: frequencyFromProto(req.frequency),
        weekend: weekendFromProto(req.weekend),
        startDate: req.startDate,
        endDate: req.endDate,
        description: req.description,
        categoryId: req.categoryId,
        autoCreate: req.autoCreate,
      });
      return { template: toRecurring(template) };
    },
    getRecurring: async (req) => ({ template: toRecurring(await getRecurring(ctx, req.userId, req.id)) }),
    listRecurring: async (req) => {
      const page = await listRecurring(ctx, { userId: req.userId, limit: req.page?.limit, cursor: req.page?.cursor, isActive: req.isActive });
      return { items: page.items.map(toRecurring), page: { nextCursor: page.nextCursor } };
    },
    updateRecurring: async (req) => {
      const template = await updateRecurring(ctx, {
        userId: req.userId,
        id: req.id,
        amount: req.amount,
        currency: req.currency,
        type: typeFromProto(req.transactionType),
        // A frequency that is set must be one (UNSPECIFIED included: "set to nothing" is not a frequency).
        frequency: req.frequency === undefined ? undefined : (FREQUENCIES[req.frequency] ?? req.frequency),
        weekend: weekendFromProto(req.weekend),
        startDate: req.startDate,
        endDate: req.endDate,
        clearEndDate: req.clearEndDate,
        description: req.description,
        categoryId: req.categoryId,
        autoCreate: req.autoCreate,
        isActive: req.isActive,
      });
      return { template: toRecurring(template) };
    },
    deactivateRecurring: async (req) => {
      await deactivateRecurring(ctx, req.userId, req.id);
      return {};
    },
    processRecurring: async (req) => {
      const processed = await processRecurring(ctx, { userId: req.userId, id: req.id, idempotencyKey: req.idempotencyKey });
      return {
        transaction: toTransaction(processed.transaction),
        nextOccurrenceDate: processed.nextOccurrenceDate ? toCalendarDate(isoDate(processed.nextOccurrenceDate)) : undefined,
        replayed: processed.replayed,
      };
    },
    listRecurringOccurrences: async (req) => {
      const dates = await listRecurringOccurrences(ctx, { userId: req.userId, id: req.id, from: req.from, to: req.to });
      return { dates: dates.map(toCalendarDate) };
    },
    sumTransactions: async (req) => {
      if (req.grouping !== ProtoGrouping.SUM_GROUPING_UNSPECIFIED && !GROUPINGS[req.grouping]) {
        throw errors.invalidField('grouping', GROUPING_MESSAGE);
      }
      const rows = await sumTransactions(ctx, {
        userId: req.userId,
        from: req.from,
        to: req.to,
        type: typeFromProto(req.transactionType),
        grouping: GROUPINGS[req.grouping],
        categoryIds: req.categoryIds,
        currencies: req.currencies,
      });
      return {
        rows: rows.map((r) => ({
          transactionType: typeToProto(r.type),
          categoryId: r.categoryId ?? undefined,
          periodStart: r.periodStart ? toCalendarDate(isoDate(r.periodStart)) : undefined,
          total: { minorUnits: r.total, currency: r.currency },
          count: r.count,
        })),
      };
    },
  };
}

/** The ledger service as startGrpcServer registers it (the composition root sees no generated types). */
export function ledgerGrpcRegistration(ctx: LedgerContext): GrpcServiceRegistration {
  return { definition: ledgerV1.LedgerServiceService, implementation: ledgerGrpcService(ctx) };
}

/** A row of an import message as the application checks it. */
function importRowInput(row: ledgerV1.ImportRow): ImportRowInput {
  return {
    amount: row.amount,
    currency: row.currency,
    type: importTypeFromProto(row.transactionType),
    date: row.date,
    description: row.description,
    categoryName: row.categoryName,
  };
}
