// Keyset pagination as every service's lists do it (API.md: `limit` 1–200, default 50; an opaque
// `next_cursor`). A cursor is base64url of a JSON array, tagged by its first element with the list
// it belongs to and naming the sort key of the last row shown; each service checks the parts.

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
