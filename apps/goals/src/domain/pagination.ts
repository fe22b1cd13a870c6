import { decodeCreatedKeyCursor, encodeCreatedKeyCursor, resolvePageSize as resolveSharedPageSize, type CreatedKeyCursor } from '@finance/platform/pagination';
import { errors } from './errors.js';

// Keyset pagination of a user's goals and of a goal's contributions, both ordered by
// (created_at, id), oldest first (@finance/platform/pagination). A deep page costs what the first one
// does (an index range scan). Cursors are tagged "g" (goals) or "c" (contributions): one list's cursor
// is refused by the other on path `cursor`.

export { toPage, type Page } from '@finance/platform/pagination';

/** 0 (or absent) = the default; otherwise 1..200 (GOALS_INVALID_FIELDS on `limit`). */
export function resolvePageSize(limit: number | undefined): number {
  return resolveSharedPageSize(limit, errors.invalidField);
}

export type CursorList = 'goals' | 'contributions';
const TAGS: Record<CursorList, string> = { goals: 'g', contributions: 'c' };

export type KeysetCursor = CreatedKeyCursor;

export function encodeKeysetCursor(list: CursorList, c: KeysetCursor): string {
  return encodeCreatedKeyCursor(TAGS[list], c);
}

/** undefined for an empty cursor (the first page); throws INVALID_ARGUMENT (path `cursor`) for a bad one. */
export function decodeKeysetCursor(list: CursorList, cursor: string | undefined): KeysetCursor | undefined {
  return decodeCreatedKeyCursor(TAGS[list], cursor, errors.invalidCursor);
}
