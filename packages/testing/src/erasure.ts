import { status } from '@grpc/grpc-js';
import { fromGrpcError, isServiceError } from '@finance/platform';
import pg from 'pg';

/**
 * Counts what is left of a user in one service's schema, for erasure tests: every table with a
 * `user_id` column (read from information_schema, so a new table cannot be forgotten; the
 * `deleted_user` tombstone aside) and the outbox rows whose payload names the user.
 */
export interface UserRowCounter {
  /** The schema's tables without a user_id column: a test asserts the list, with why each holds no one's data. */
  tablesWithoutUserId: string[];
  /** The tables counted. */
  tablesWithUserId: string[];
  /** The user's rows per table, only tables that still have some (outbox rows as `outbox_message`). */
  leftovers(userId: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function userRowCounter(databaseUrl: string, schema: string): Promise<UserRowCounter> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; has_user_id: boolean }>(
      `select t.table_name, exists (select 1 from information_schema.columns c
                                     where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'user_id') as has_user_id
         from information_schema.tables t
        where t.table_schema = $1 and t.table_name <> 'deleted_user'
        order by t.table_name`,
      [schema],
    );
    const withUserId = rows.filter((r) => r.has_user_id).map((r) => r.table_name);
    const hasOutbox = rows.some((r) => r.table_name === 'outbox_message');
    const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
    return {
      tablesWithoutUserId: rows.filter((r) => !r.has_user_id).map((r) => r.table_name),
      tablesWithUserId: withUserId,
      async leftovers(userId) {
        const counts: Record<string, number> = {};
        for (const table of withUserId) {
          const { rows: [row] } = await client.query<{ n: number }>(`select count(*)::int as n from ${quote(schema)}.${quote(table)} where user_id = $1`, [userId]);
          if (row!.n > 0) counts[table] = row!.n;
        }
        if (hasOutbox) {
          const { rows: [row] } = await client.query<{ n: number }>(`select count(*)::int as n from ${quote(schema)}.outbox_message where payload->>'user_id' = $1`, [userId]);
          if (row!.n > 0) counts.outbox_message = row!.n;
        }
        return counts;
      },
      close: () => client.end(),
    };
  } catch (err) {
    await client.end();
    throw err;
  }
}

/**
 * What a write racing its user's erasure may answer: success (and then it is erased), the service's
 * `*_USER_NOT_FOUND` (401) or NOT_FOUND (404). null for those; otherwise a description of the outcome.
 */
export function unexpectedErasureOutcome(outcome: PromiseSettledResult<unknown>): string | null {
  if (outcome.status === 'fulfilled') return null;
  const err = outcome.reason;
  if (!isServiceError(err)) return String(err);
  const { code } = fromGrpcError(err);
  if (err.code === status.UNAUTHENTICATED && /USER_NOT_FOUND$/.test(code)) return null;
  if (err.code === status.NOT_FOUND) return null;
  return `${status[err.code]} ${code} ${err.details}`;
}
