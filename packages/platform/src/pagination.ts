// Keyset pagination as every service's lists do it (API.md: `limit` 1–200, default 50; an opaque
// `next_cursor`). A cursor is base64url of a JSON array, tagged by its first element with the list
// it belongs to and naming the sort key of the last row shown; each service checks the parts.

import { isUuid } from './ids.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** 0 (or absent) = the default; otherwise 1..200, else the service's invalid-field error on `limit`. */
export function resolvePageSize(limit: number | undefined, invalidField: (path: string, message: string) => Error): number {
  if (limit === undefined || limit === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalidField('limit', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The parts of a cursor `encodeCursor` wrote; undefined for anything else (too long, undecodable, not an array). */
export function decodeCursor(cursor: string, maxLength: number): unknown[] | undefined {
  if (cursor.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
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

// Lists ordered by (created_at, id), oldest first (budgets, goals, contributions): rows added while a
// client pages appear at the end, never twice and never skipped. The cursor is
// [tag, "<created_at, UTC, microseconds>", "<uuid>"], the sort key of the last row shown.

const CREATED_KEY_CURSOR_MAX_LENGTH = 512;
/** created_at as PostgreSQL prints it with to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'). */
const CREATED_KEY = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z$/;

/** A real instant, so that PostgreSQL never sees an impossible timestamp (2026-02-30) and fails. */
function isCreatedKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = CREATED_KEY.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= days;
}

export interface CreatedKeyCursor {
  /** created_at of the last row shown, in microseconds (PostgreSQL's precision), UTC. */
  createdKey: string;
  id: string;
}

export function encodeCreatedKeyCursor(tag: string, c: CreatedKeyCursor): string {
  return encodeCursor([tag, c.createdKey, c.id.toLowerCase()]);
}

/**
 * undefined for an empty cursor (the first page); `invalid()` (the service's INVALID_ARGUMENT on
 * `cursor`) for anything `encodeCreatedKeyCursor(tag, …)` did not write: undecodable, re-encoded
 * differently, another list's cursor.
 */
export function decodeCreatedKeyCursor(tag: string, cursor: string | undefined, invalid: () => Error): CreatedKeyCursor | undefined {
  if (!cursor) return undefined;
  const parts = decodeCursor(cursor, CREATED_KEY_CURSOR_MAX_LENGTH);
  if (!parts || parts.length !== 3 || parts[0] !== tag) throw invalid();
  const [, createdKey, id] = parts;
  if (!isCreatedKey(createdKey) || !isUuid(id)) throw invalid();
  return { createdKey, id: id.toLowerCase() };
}
