import { parseIsoDate } from '@finance/calendar';
import { errors } from './errors.js';
import { isUuid } from '@finance/platform/ids';
import { decodeCursor, encodeCursor, resolvePageSize as resolveSharedPageSize } from '@finance/platform/pagination';

// Keyset pagination of a user's goals and of a goal's contributions, both ordered by
// (created_at, id): oldest first, so rows added while a client pages appear at the end, never twice
// and never skipped. A deep page costs what the first one does (an index range scan).
//
// Cursor format (opaque to clients): base64url of ["g" (goals) or "c" (contributions),
// "<created_at, UTC, microseconds>", "<uuid>"], the sort key of the last row shown. Anything else —
// undecodable, re-encoded differently, the other list's cursor — is refused on path `cursor`.

const MAX_CURSOR_LENGTH = 512;
/** created_at as PostgreSQL prints it with to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'). */
const CREATED_KEY = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z$/;

/** A real instant, so that PostgreSQL never sees an impossible timestamp (2026-02-30) and fails. */
function isCreatedKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = CREATED_KEY.exec(value);
  return match !== null && parseIsoDate(match[1]) !== undefined;
}

export { toPage, type Page } from '@finance/platform/pagination';

/** 0 (or absent) = the default; otherwise 1..200 (GOALS_INVALID_FIELDS on `limit`). */
export function resolvePageSize(limit: number | undefined): number {
  return resolveSharedPageSize(limit, errors.invalidField);
}

export type CursorList = 'goals' | 'contributions';
const TAGS: Record<CursorList, string> = { goals: 'g', contributions: 'c' };

export interface KeysetCursor {
  /** created_at of the last row shown, in microseconds (PostgreSQL's precision), UTC. */
  createdKey: string;
  id: string;
}

export function encodeKeysetCursor(list: CursorList, c: KeysetCursor): string {
  return encodeCursor([TAGS[list], c.createdKey, c.id.toLowerCase()]);
}

/** undefined for an empty cursor (the first page); throws INVALID_ARGUMENT (path `cursor`) for a bad one. */
export function decodeKeysetCursor(list: CursorList, cursor: string | undefined): KeysetCursor | undefined {
  if (!cursor) return undefined;
  const parts = decodeCursor(cursor, MAX_CURSOR_LENGTH);
  if (!parts || parts.length !== 3 || parts[0] !== TAGS[list]) throw errors.invalidCursor();
  const [, createdKey, id] = parts;
  if (!isCreatedKey(createdKey) || !isUuid(id)) throw errors.invalidCursor();
  return { createdKey, id: id.toLowerCase() };
}
