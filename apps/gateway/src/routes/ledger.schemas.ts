import { formatMoney, money } from '@finance/money';
import { ledgerV1, type commonV1 } from '@finance/proto';
import { z } from 'zod';
import { component, doc } from '../openapi-registry.js';
import { ContractViolationError, isoDate, pageSchema, textField, timestamp } from './schemas.js';

// The ledger's resources (transactions, categories) as the REST API shows them (API.md), and the
// mapping to and from finance.ledger.v1. The ledger validates authoritatively (amount against the
// currency's precision, categories that exist); these catch what is plainly wrong before any RPC.

// ---------------------------------------------------------------------------------------------
// Fields of requests

export const transactionTypeField = z.enum(['income', 'expense']);
export type TransactionTypeName = z.infer<typeof transactionTypeField>;

export const descriptionField = textField(1000);
/** Surrounding spaces are ignored (the ledger trims too). */
export const nameField = textField(100, { min: 1, trim: true });
export const colorField = doc(z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a color #RRGGBB'), 'A color, #RRGGBB');
export const iconField = doc(textField(100), 'An icon name or emoji');

/** `Idempotency-Key` (API.md): the same key with the same body returns the first answer again. */
export const idempotencyKeyHeader = doc(
  z.string().regex(/^[\x20-\x7E]{1,255}$/, 'must be 1 to 255 printable ASCII characters'),
  'Retrying with the same key and the same body returns the first answer (201, `Idempotent-Replayed: true`) and creates nothing; the same key with a different body → 422',
);

// ---------------------------------------------------------------------------------------------
// Proto ⇄ REST values

const TYPE_TO_PROTO: Record<TransactionTypeName, ledgerV1.TransactionType> = {
  income: ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME,
  expense: ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE,
};

/** Absent → UNSPECIFIED, which the ledger reads as "no filter" or "unchanged". */
export function toProtoTransactionType(type: TransactionTypeName | undefined): ledgerV1.TransactionType {
  return type === undefined ? ledgerV1.TransactionType.TRANSACTION_TYPE_UNSPECIFIED : TYPE_TO_PROTO[type];
}

export function fromProtoTransactionType(type: ledgerV1.TransactionType): TransactionTypeName {
  if (type === ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME) return 'income';
  if (type === ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE) return 'expense';
  throw new ContractViolationError(`ledger returned transaction_type ${type}`);
}

function fromProtoDate(date: commonV1.DateMessage | undefined): string {
  return isoDate(date, 'transaction date', 'ledger');
}

// ---------------------------------------------------------------------------------------------
// Responses

const isoTimestamp = doc(z.iso.datetime(), 'ISO 8601, UTC');
const icon = doc(z.string().nullable(), 'null when the category has no icon');

export const categoryRefSchema = z.object({ id: z.string(), name: z.string(), color: z.string(), icon });

export const transactionSchema = z.object({
  id: z.string(),
  amount: doc(z.string(), 'Decimal string with exactly the currency’s decimal places ("12.50", JPY "1000"); always > 0'),
  currency: doc(z.string(), 'ISO 4217'),
  transaction_type: transactionTypeField,
  date: doc(z.iso.date(), 'YYYY-MM-DD'),
  description: doc(z.string(), 'Empty when none was given'),
  category_id: doc(z.string().nullable(), 'null = uncategorized'),
  category: doc(categoryRefSchema.nullable(), 'The category, embedded; null when uncategorized'),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});
export type TransactionResponse = z.output<typeof transactionSchema>;

export const categorySchema = z.object({
  id: z.string(),
  name: z.string(),
  color: doc(z.string(), '#RRGGBB'),
  icon,
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});
export type CategoryResponse = z.output<typeof categorySchema>;

export const transactionPageSchema = pageSchema(transactionSchema);
export const categoryPageSchema = pageSchema(categorySchema);

component(categoryRefSchema, 'CategoryRef', 'What a transaction embeds of its category');
component(transactionSchema, 'Transaction');
component(categorySchema, 'Category');
component(transactionPageSchema, 'TransactionPage', 'A page of transactions, newest `date` first');
component(categoryPageSchema, 'CategoryPage', 'A page of categories');

/**
 * `category_id` and the embedded `category` of a transaction or a recurring template. Uncategorized
 * (or a category the ledger did not embed) → null, never a half-filled object.
 */
export function categoryFieldsOf(row: { categoryId?: string | undefined; category?: ledgerV1.CategoryRef | undefined }) {
  const categoryId = row.categoryId || row.category?.id || null;
  const ref = row.category;
  return {
    category_id: categoryId,
    category: categoryId && ref?.id ? { id: ref.id, name: ref.name, color: ref.color, icon: ref.icon || null } : null,
  };
}

export function toTransactionResponse(transaction: ledgerV1.Transaction | undefined): TransactionResponse {
  if (!transaction) throw new ContractViolationError('ledger returned no transaction');
  const amount = transaction.amount;
  if (!amount) throw new ContractViolationError('ledger returned a transaction without amount');
  return {
    id: transaction.id,
    amount: formatMoney(money(amount.minorUnits, amount.currency)),
    currency: amount.currency,
    transaction_type: fromProtoTransactionType(transaction.transactionType),
    date: fromProtoDate(transaction.date),
    description: transaction.description,
    ...categoryFieldsOf(transaction),
    created_at: timestamp(transaction.createdAt, 'transaction created_at'),
    updated_at: timestamp(transaction.updatedAt, 'transaction updated_at'),
  };
}

export function toCategoryResponse(category: ledgerV1.Category | undefined): CategoryResponse {
  if (!category) throw new ContractViolationError('ledger returned no category');
  return {
    id: category.id,
    name: category.name,
    color: category.color,
    icon: category.icon || null,
    created_at: timestamp(category.createdAt, 'category created_at'),
    updated_at: timestamp(category.updatedAt, 'category updated_at'),
  };
}
