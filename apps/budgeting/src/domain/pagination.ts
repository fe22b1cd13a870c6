import { decodeCreatedKeyCursor, encodeCreatedKeyCursor, resolvePageSize as resolveSharedPageSize, type CreatedKeyCursor } from '@finance/platform/pagination';
import { errors } from './errors.js';

// Keyset pagination of a user's budgets, ordered by (created_at, id), oldest first
// (@finance/platform/pagination). A deep page costs what the first one does (an index range scan of
// budget (user_id, created_at, id)). Cursors are tagged "b"; another list's cursor is refused on
// path `cursor`.

export { toPage, type Page } from '@finance/platform/pagination';

/** 0 (or absent) = the default; otherwise 1..200 (BUDGETING_INVALID_FIELDS on `limit`). */
export function resolvePageSize(limit: number | undefined): number {
  return resolveSharedPageSize(limit, errors.invalidField);
}

export type BudgetCursor = CreatedKeyCursor;

export function encodeBudgetCursor(c: BudgetCursor): string {
  return encodeCreatedKeyCursor('b', c);
}

/** undefined for an empty cursor (the first page); throws INVALID_ARGUMENT (path `cursor`) for a bad one. */
export function decodeBudgetCursor(cursor: string | undefined): BudgetCursor | undefined {
  return decodeCreatedKeyCursor('b', cursor, errors.invalidCursor);
}
