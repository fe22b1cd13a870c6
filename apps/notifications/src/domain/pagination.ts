import { decodeCreatedKeyCursor, encodeCreatedKeyCursor, resolvePageSize as resolveSharedPageSize, type CreatedKeyCursor } from '@finance/platform/pagination';
import { errors } from './errors.js';

// Keyset pagination of a user's notifications, NEWEST first: ordered by (created_at, id) descending,
// the cursor naming the last row shown (@finance/platform/pagination's created-key cursor, tag "n").
// Rows added while a client pages appear before the first page, never inside the pages it walks:
// a page is stable while rows are added (API.md). The unread filter walks the same order.

export { toPage, type Page } from '@finance/platform/pagination';

/** 0 (or absent) = the default; otherwise 1..200 (NOTIFICATIONS_INVALID_FIELDS on `limit`). */
export function resolvePageSize(limit: number | undefined): number {
  return resolveSharedPageSize(limit, errors.invalidField);
}

export type KeysetCursor = CreatedKeyCursor;
const TAG = 'n';

export function encodeKeysetCursor(c: KeysetCursor): string {
  return encodeCreatedKeyCursor(TAG, c);
}

/** undefined for an empty cursor (the first page); throws NOTIFICATIONS_INVALID_CURSOR (path `cursor`) for a bad one. */
export function decodeKeysetCursor(cursor: string | undefined): KeysetCursor | undefined {
  return decodeCreatedKeyCursor(TAG, cursor, errors.invalidCursor);
}
