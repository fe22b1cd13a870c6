import { parseIsoDate } from '@finance/calendar';
import { errors } from './errors.js';
import { isUuid } from '@finance/platform/ids';

// Keyset pagination of a user's budgets, ordered by (created_at, id): oldest first, so budgets
// created while a client pages appear at the end, never twice and never skipped. A deep page costs
// what the first one does (an index range scan of budget (user_id, created_at, id)).
//
// Cursor format (opaque to clients): base64url of ["b", "<created_at, UTC, microseconds>", "<uuid>"],
// the sort key of the last budget shown. Anything else — undecodable, re-encoded differently,
// another list's cursor — is refused on path `cursor`.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
const MAX_CURSOR_LENGTH = 512;
/** created_at as PostgreSQL prints it with to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'). */
const CREATED_KEY = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z$/;

/** A real instant, so that PostgreSQL never sees an impossible timestamp (2026-02-30) and fails. */
function isCreatedKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = CREATED_KEY.exec(value);
  return match !== null && parseIsoDate(match[1]) !== undefined;
}

/** 0 (or absent) = the default; otherwise 1..200. */
export function resolvePageSize(limit: number | undefined): number {
  if (limit === undefined || limit === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw errors.invalidField('limit', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

export interface BudgetCursor {
  /** created_at of the last budget shown, in microseconds (PostgreSQL's precision), UTC. */
  createdKey: string;
  id: string;
}

export function encodeBudgetCursor(c: BudgetCursor): string {
  return Buffer.from(JSON.stringify(['b', c.createdKey, c.id.toLowerCase()]), 'utf8').toString('base64url');
}

/** undefined for an empty cursor (the first page); throws INVALID_ARGUMENT (path `cursor`) for a bad one. */
export function decodeBudgetCursor(cursor: string | undefined): BudgetCursor | undefined {
  if (!cursor) return undefined;
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw errors.invalidCursor();
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder skips what it cannot read; only a cursor that re-encodes to itself is ours.
  if (bytes.toString('base64url') !== cursor) throw errors.invalidCursor();
  let parts: unknown;
  try {
    parts = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw errors.invalidCursor();
  }
  if (!Array.isArray(parts) || parts.length !== 3 || parts[0] !== 'b') throw errors.invalidCursor();
  const [, createdKey, id] = parts as unknown[];
  if (!isCreatedKey(createdKey) || !isUuid(id)) {
    throw errors.invalidCursor();
  }
  return { createdKey, id: id.toLowerCase() };
}

export interface Page<T> {
  items: T[];
  /** Empty when this is the last page. */
  nextCursor: string;
}

/** `limit + 1` fetched rows → a page: the extra row only proves that a next page exists. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: '' };
  const items = rows.slice(0, limit);
  return { items, nextCursor: cursorOf(items[items.length - 1]!) };
}
