import { errors } from './errors.js';
import { isUuid } from '@finance/platform/ids';
import { decodeCursor, encodeCursor, resolvePageSize as resolveSharedPageSize } from '@finance/platform/pagination';
import { parseIsoDate } from '@finance/calendar';

// Keyset pagination. A cursor names the last row of the previous page by its sort key, so the
// next page starts strictly after it: rows added meanwhile can never make a row appear twice
// or be skipped, and a deep page costs what the first one does (an index range scan).
//
// Cursor format (opaque to clients): base64url of a JSON array tagged with the list it belongs to,
//   transactions: ["t", "<YYYY-MM-DD>", "<uuid>"]     ordered date desc, id desc
//   categories:   ["c", "<lower(name)>", "<uuid>"]   ordered lower(name), id
//   recurring:    ["r", "<uuid>"]                    ordered id desc (UUIDv7: newest first)
// Anything else — undecodable, re-encoded differently, the other list's cursor — is refused.

const MAX_CURSOR_LENGTH = 2048;
const MAX_NAME_KEY_LENGTH = 400;

export { toPage, type Page } from '@finance/platform/pagination';

/** 0 (or absent) = the default; otherwise 1..200 (LEDGER_INVALID_FIELDS on `limit`). */
export function resolvePageSize(limit: number | undefined): number {
  return resolveSharedPageSize(limit, errors.invalidField);
}

export interface TransactionCursor {
  /** YYYY-MM-DD. */
  date: string;
  id: string;
}

export interface CategoryCursor {
  /** lower(name) of the last category, as PostgreSQL computed it. */
  nameKey: string;
  id: string;
}

export function encodeTransactionCursor(c: TransactionCursor): string {
  return encodeCursor(['t', c.date, c.id.toLowerCase()]);
}

/** undefined for an empty cursor (first page); throws INVALID_ARGUMENT (path `cursor`) for a bad one. */
export function decodeTransactionCursor(cursor: string | undefined): TransactionCursor | undefined {
  if (!cursor) return undefined;
  const parts = decodeCursor(cursor, MAX_CURSOR_LENGTH);
  if (!parts || parts.length !== 3 || parts[0] !== 't') throw errors.invalidCursor();
  const [, date, id] = parts;
  if (typeof date !== 'string' || !parseIsoDate(date) || !isUuid(id)) throw errors.invalidCursor();
  return { date, id };
}

export function encodeCategoryCursor(c: CategoryCursor): string {
  return encodeCursor(['c', c.nameKey, c.id.toLowerCase()]);
}

export function decodeCategoryCursor(cursor: string | undefined): CategoryCursor | undefined {
  if (!cursor) return undefined;
  const parts = decodeCursor(cursor, MAX_CURSOR_LENGTH);
  if (!parts || parts.length !== 3 || parts[0] !== 'c') throw errors.invalidCursor();
  const [, nameKey, id] = parts;
  if (typeof nameKey !== 'string' || nameKey.length === 0 || nameKey.length > MAX_NAME_KEY_LENGTH || nameKey.includes('\u0000') || !isUuid(id)) {
    throw errors.invalidCursor();
  }
  return { nameKey, id };
}

export function encodeRecurringCursor(id: string): string {
  return encodeCursor(['r', id.toLowerCase()]);
}

/** The id of the last template shown; undefined for an empty cursor. */
export function decodeRecurringCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const parts = decodeCursor(cursor, MAX_CURSOR_LENGTH);
  if (!parts || parts.length !== 2 || parts[0] !== 'r' || !isUuid(parts[1])) throw errors.invalidCursor();
  return parts[1] as string;
}
