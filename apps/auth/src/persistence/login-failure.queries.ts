import type { EntityManager } from '@mikro-orm/postgresql';

// Failed logins per key (`user:<id>` or `name:<lower-case name>`), for the lockout.

/** Serializes attempts on `key` until the caller's transaction ends (an advisory lock). */
export async function lockLoginKey(tx: EntityManager, key: string): Promise<void> {
  await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`auth.login.${key}`]);
}

/** The key's failures after `since`, newest first, at most `limit`. */
export async function selectRecentLoginFailures(tx: EntityManager, key: string, since: Date, limit: number): Promise<Date[]> {
  const failures = await tx.execute<{ failed_at: Date }[]>(
    'select failed_at from auth.login_failure where key = ? and failed_at > ? order by failed_at desc limit ?',
    [key, since, limit],
  );
  return failures.map((f) => new Date(f.failed_at));
}

export async function insertLoginFailure(tx: EntityManager, key: string, at: Date): Promise<void> {
  await tx.execute('insert into auth.login_failure (key, failed_at) values (?, ?)', [key, at]);
}

/** Deletes the key's failures at or before `upTo`. */
export async function deleteLoginFailuresUpTo(tx: EntityManager, key: string, upTo: Date): Promise<void> {
  await tx.execute('delete from auth.login_failure where key = ? and failed_at <= ?', [key, upTo]);
}

/** Deletes every failure of the key. */
export async function deleteLoginFailures(tx: EntityManager, key: string): Promise<void> {
  await tx.execute('delete from auth.login_failure where key = ?', [key]);
}
