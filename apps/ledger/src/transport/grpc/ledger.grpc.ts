import { isoDate, toCalendarDate } from '@finance/calendar';
import { ledgerV1 } from '@finance/proto';
import type { AsyncServiceImplementation, GrpcServiceRegistration } from '@finance/platform';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from '../../application/categories.js';
import type { LedgerContext } from '../../application/context.js';
import { sumTransactions } from '../../application/sums.js';
import { createTransaction, deleteTransaction, getTransaction, listTransactions, updateTransaction } from '../../application/transactions.js';
import type { CategoryView, TransactionView } from '../../application/views.js';
import { errors } from '../../domain/errors.js';
import type { SumGrouping } from '../../domain/sums.js';
import type { TransactionType } from '../../domain/transaction.js';

const { TransactionType: ProtoType, SumGrouping: ProtoGrouping } = ledgerV1;

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

function typeToProto(type: TransactionType): ledgerV1.TransactionType {
  return type === 'income' ? ProtoType.TRANSACTION_TYPE_INCOME : ProtoType.TRANSACTION_TYPE_EXPENSE;
}

const GROUPINGS: Partial<Record<ledgerV1.SumGrouping, SumGrouping>> = {
  [ProtoGrouping.SUM_GROUPING_CATEGORY]: 'category',
  [ProtoGrouping.SUM_GROUPING_DAY]: 'day',
  [ProtoGrouping.SUM_GROUPING_WEEK]: 'week',
  [ProtoGrouping.SUM_GROUPING_MONTH]: 'month',
  [ProtoGrouping.SUM_GROUPING_YEAR]: 'year',
};

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
    sumTransactions: async (req) => {
      if (req.grouping !== ProtoGrouping.SUM_GROUPING_UNSPECIFIED && !GROUPINGS[req.grouping]) {
        throw errors.invalidField('grouping', 'must be one of category, day, week, month, year');
      }
      const rows = await sumTransactions(ctx, {
        userId: req.userId,
        from: req.from,
        to: req.to,
        type: typeFromProto(req.transactionType),
        grouping: GROUPINGS[req.grouping],
        categoryIds: req.categoryIds,
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
