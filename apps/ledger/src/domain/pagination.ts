import { errors } from './errors.js';
import { isUuid } from '@finance/platform/ids';
import { parseIsoDate, type IsoDate } from './dates.js';

// Keyset pagination. A cursor names the last row of the previous page by its sort key, so the
// next page starts strictly after it: rows added meanwhile can never make a row appear twice
// or be skipped, and a deep page costs what the first one does (an index range scan).
//
// Cursor format (opaque to clients): base64url of a JSON array tagged with the list it belongs to,
//   transactions: ["t", "<YYYY-MM-DD>", "<uuid>"]     ordered date desc, id desc
//   categories:   ["c", "<lower(name)>", "<uuid>"]   ordered lower(name), id
// Anything else — undecodable, re-encoded differently, the other list's cursor — is refused.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
const MAX_CURSOR_LENGTH = 2048;
const MAX_NAME_KEY_LENGTH = 400;

/** 0 (or absent) = the default; otherwise 1..200. */
export function resolvePageSize(limit: number | undefined): number {
  if (limit === undefined || limit === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw errors.invalidField('limit', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

export interface TransactionCursor {
  date: IsoDate;
  id: string;
}

export interface CategoryCursor {
  /** lower(name) of the last category, as PostgreSQL computed it. */
  nameKey: string;
  id: string;
}

function encode(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function decode(cursor: string): unknown[] | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder skips what it cannot read; only a cursor that re-encodes to itself is ours.
  if (bytes.toString('base64url') !== cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function encodeTransactionCursor(c: TransactionCursor): string {
  return encode(['t', c.date, c.id.toLowerCase()]);
}

/** undefined for an empty cursor (first page); throws INVALID_ARGUMENT (path `cursor`) for a bad one. */
export function decodeTransactionCursor(cursor: string | undefined): TransactionCursor | undefined {
  if (!cursor) return undefined;
  const parts = decode(cursor);
  if (!parts || parts.length !== 3 || parts[0] !== 't') throw errors.invalidCursor();
  const [, date, id] = parts;
  if (typeof date !== 'string' || !parseIsoDate(date) || !isUuid(id)) throw errors.invalidCursor();
  return { date, id };
}

export function encodeCategoryCursor(c: CategoryCursor): string {
  return encode(['c', c.nameKey, c.id.toLowerCase()]);
}

export function decodeCategoryCursor(cursor: string | undefined): CategoryCursor | undefined {
  if (!cursor) return undefined;
  const parts = decode(cursor);
  if (!parts || parts.length !== 3 || parts[0] !== 'c') throw errors.invalidCursor();
  const [, nameKey, id] = parts;
  if (typeof nameKey !== 'string' || nameKey.length === 0 || nameKey.length > MAX_NAME_KEY_LENGTH || nameKey.includes('\u0000') || !isUuid(id)) {
    throw errors.invalidCursor();
  }
  return { nameKey, id };
}

export interface Page<T> {
  items: T[];
  /** Empty when this is the last page. */
  nextCursor: string;
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only proves that a next page exists,
 * and the cursor names the last row actually returned.
 */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: '' };
  const items = rows.slice(0, limit);
  return { items, nextCursor: cursorOf(items[items.length - 1]!) };
}
