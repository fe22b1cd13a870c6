import type { EntityManager } from '@mikro-orm/postgresql';

// Recurring templates in plain SQL where the ORM has no words: the scheduler's scans (the user's
// "today" from their time zone, SKIP LOCKED), the once-only reminder marks, bulk moves and erasure.
// Every query of one user is filtered by user_id.

/** `?, ?, ...` for a list of values (never empty). */
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The user's calendar day at `now`: in their time zone (user_timezone), UTC when none is known. */
const USER_TODAY = "((?::timestamptz at time zone coalesce(z.timezone, 'UTC'))::date)";
/**
 * No zone is more than 14 hours ahead of UTC, so no user's today is after UTC's tomorrow: a plain
 * bound on the date the partial indexes can use before the per-user condition.
 */
const LATEST_TODAY = "((?::timestamptz at time zone 'UTC')::date + 1)";

/** The latest occurrence date created of a template (YYYY-MM-DD), or null. */
export async function selectLastOccurrenceDate(tx: EntityManager, templateId: string): Promise<string | null> {
  const [row] = await tx.execute<{ last: string | null }[]>('select max(occurrence_date)::text as last from ledger.recurring_occurrence where template_id = ?', [templateId]);
  return row?.last ?? null;
}

export interface LockedTemplateRef {
  id: string;
  userId: string;
  /** The user's today (YYYY-MM-DD). */
  today: string;
}

function excluding(ids: readonly string[]): { sql: string; params: string[] } {
  return ids.length ? { sql: `and t.id not in (${placeholders(ids.length)})`, params: [...ids] } : { sql: '', params: [] };
}

/**
 * The recurring scheduler's lag (finance_scheduler_lag_seconds): how long the oldest due occurrence
 * that is not created yet has been due, in seconds, counted from the start of its day in its user's
 * time zone; 0 when nothing is due. The same rows lockDueTemplates takes, whatever their lock.
 */
export async function dueOccurrenceLagSeconds(em: EntityManager, now: Date): Promise<number> {
  const [row] = await em.execute<{ lag: number }[]>(
    `select coalesce(max(extract(epoch from ?::timestamptz - (t.next_occurrence_date::timestamp at time zone coalesce(z.timezone, 'UTC')))), 0)::float8 as lag
       from ledger.recurring_template t
       left join ledger.user_timezone z using (user_id)
      where t.is_active and t.auto_create and t.next_occurrence_date is not null
        and t.next_occurrence_date <= ${LATEST_TODAY}
        and t.next_occurrence_date <= ${USER_TODAY}`,
    [now, now, now],
  );
  return Math.max(0, Number(row?.lag ?? 0));
}

/**
 * Locks up to `limit` due templates (active, auto_create, next occurrence on or before the user's
 * today), earliest first, skipping rows another transaction holds: replicas never wait for each
 * other and never take the same template. `skip` are ids this pass already set aside.
 */
export async function lockDueTemplates(tx: EntityManager, now: Date, skip: readonly string[], limit: number): Promise<LockedTemplateRef[]> {
  const not = excluding(skip);
  const rows = await tx.execute<{ id: string; user_id: string; today: string }[]>(
    `select t.id, t.user_id, ${USER_TODAY}::text as today
       from ledger.recurring_template t
       left join ledger.user_timezone z using (user_id)
      where t.is_active and t.auto_create and t.next_occurrence_date is not null
        and t.next_occurrence_date <= ${LATEST_TODAY}
        and t.next_occurrence_date <= ${USER_TODAY}
        ${not.sql}
      order by t.next_occurrence_date, t.id
      limit ?
      for update of t skip locked`,
    [now, now, now, ...not.params, limit],
  );
  return rows.map((r) => ({ id: r.id, userId: r.user_id, today: r.today }));
}

/**
 * Locks up to `limit` active templates (auto_create or not) with an occurrence that may need its
 * upcoming event: next occurrence on or before the user's today + `days`, and reminders not yet
 * written through that day. Skips rows held elsewhere, like lockDueTemplates.
 */
export async function lockTemplatesToRemind(tx: EntityManager, now: Date, days: number, skip: readonly string[], limit: number): Promise<LockedTemplateRef[]> {
  const not = excluding(skip);
  const rows = await tx.execute<{ id: string; user_id: string; today: string }[]>(
    `select t.id, t.user_id, ${USER_TODAY}::text as today
       from ledger.recurring_template t
       left join ledger.user_timezone z using (user_id)
      where t.is_active and t.next_occurrence_date is not null
        and t.next_occurrence_date <= ${LATEST_TODAY} + ?::int
        and t.next_occurrence_date <= ${USER_TODAY} + ?::int
        and (t.reminded_through is null or t.reminded_through < ${USER_TODAY} + ?::int)
        ${not.sql}
      order by t.next_occurrence_date, t.id
      limit ?
      for update of t skip locked`,
    [now, now, days, now, days, now, days, ...not.params, limit],
  );
  return rows.map((r) => ({ id: r.id, userId: r.user_id, today: r.today }));
}

export interface ReminderMark {
  templateId: string;
  occurrenceDate: string;
  userId: string;
}

/** Marks occurrences as announced, once: returns the marks that were new (only those get an event). */
export async function insertReminderMarks(tx: EntityManager, marks: readonly ReminderMark[], now: Date): Promise<ReminderMark[]> {
  if (!marks.length) return [];
  const rows = await tx.execute<{ template_id: string; occurrence_date: string; user_id: string }[]>(
    `insert into ledger.recurring_reminder (template_id, occurrence_date, user_id, created_at)
     values ${marks.map(() => '(?::uuid, ?::date, ?::uuid, ?::timestamptz)').join(', ')}
     on conflict (template_id, occurrence_date) do nothing
     returning template_id, occurrence_date::text as occurrence_date, user_id`,
    marks.flatMap((m) => [m.templateId, m.occurrenceDate, m.userId, now]),
  );
  return rows.map((r) => ({ templateId: r.template_id, occurrenceDate: r.occurrence_date, userId: r.user_id }));
}

/** Moves the user's templates of category `from` to `to` (null: uncategorized); returns how many. */
export async function moveTemplatesToCategory(tx: EntityManager, userId: string, from: string, to: string | null, now: Date): Promise<number> {
  const moved = await tx.execute<{ id: string }[]>(
    'update ledger.recurring_template set category_id = ?, updated_at = ? where user_id = ? and category_id = ? returning id',
    [to, now, userId, from],
  );
  return moved.length;
}

/** Locks the user's templates of a category (before the category itself: the order ProcessRecurring locks in). */
export async function lockTemplatesOfCategory(tx: EntityManager, userId: string, categoryId: string): Promise<void> {
  await tx.execute('select id from ledger.recurring_template where user_id = ? and category_id = ? order by id for update', [userId, categoryId]);
}

/**
 * Remembers the user's time zone: `replace` (a newer profile from auth.user.updated.v1) overwrites,
 * otherwise (a snapshot read when a template was created) only fills a gap. A zone PostgreSQL does
 * not know is not stored (the user's day then stays UTC's) rather than breaking every scan.
 */
export async function storeUserTimezone(tx: EntityManager, userId: string, timezone: string, now: Date, mode: 'replace' | 'if_absent'): Promise<void> {
  const onConflict = mode === 'replace' ? 'do update set timezone = excluded.timezone, updated_at = excluded.updated_at' : 'do nothing';
  await tx.execute(
    `insert into ledger.user_timezone (user_id, timezone, updated_at)
     select ?, ?, ? where exists (select 1 from pg_timezone_names where name = ?)
     on conflict (user_id) ${onConflict}`,
    [userId, timezone, now, timezone],
  );
}

/** The user's remembered zone; null when none is known (the user's day is then UTC's). */
export async function selectUserTimezone(em: EntityManager, userId: string): Promise<string | null> {
  const rows = await em.execute<{ timezone: string }[]>('select timezone from ledger.user_timezone where user_id = ?', [userId]);
  return rows[0]?.timezone ?? null;
}

export interface ErasedRecurring {
  recurringTemplates: number;
  recurringOccurrences: number;
  recurringReminders: number;
  userTimezones: number;
}

/** Deletes every recurring row of the user (occurrences and reminders before their templates); returns how many of each. */
export async function deleteUserRecurring(em: EntityManager, userId: string): Promise<ErasedRecurring> {
  const run = async (table: string) => (await em.execute<{ affectedRows: number }>(`delete from ledger.${table} where user_id = ?`, [userId], 'run')).affectedRows;
  const recurringReminders = await run('recurring_reminder');
  const recurringOccurrences = await run('recurring_occurrence');
  const recurringTemplates = await run('recurring_template');
  const userTimezones = await run('user_timezone');
  return { recurringTemplates, recurringOccurrences, recurringReminders, userTimezones };
}
