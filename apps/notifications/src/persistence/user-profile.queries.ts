import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserSnapshot } from '../application/views.js';

interface ProfileRow {
  email: string;
  timezone: string;
  email_enabled: boolean;
  budget_alerts: boolean;
  recurring_reminders: boolean;
  goal_milestones: boolean;
}

/** The stored snapshot of a user; undefined when none is stored yet. */
export async function selectUserProfile(em: EntityManager, userId: string): Promise<UserSnapshot | undefined> {
  const rows = await em.execute<ProfileRow[]>(
    'select email, timezone, email_enabled, budget_alerts, recurring_reminders, goal_milestones from notifications.user_profile where user_id = ?',
    [userId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    email: row.email,
    timezone: row.timezone,
    preferences: { email: row.email_enabled, budget_alerts: row.budget_alerts, recurring_reminders: row.recurring_reminders, goal_milestones: row.goal_milestones },
  };
}

/**
 * Stores a snapshot as of `asOf`: `newer` (auth.user.updated.v1, asOf = when the change happened)
 * replaces a stored one only when it is newer, so an older event handled late changes nothing;
 * `if_absent` (what GetUser answered when no snapshot was stored) only fills the gap. True when stored.
 */
export async function storeUserProfile(tx: EntityManager, userId: string, s: UserSnapshot, asOf: Date, now: Date, mode: 'newer' | 'if_absent'): Promise<boolean> {
  const onConflict =
    mode === 'newer'
      ? `do update set email = excluded.email, timezone = excluded.timezone, email_enabled = excluded.email_enabled,
           budget_alerts = excluded.budget_alerts, recurring_reminders = excluded.recurring_reminders,
           goal_milestones = excluded.goal_milestones, as_of = excluded.as_of, updated_at = excluded.updated_at
         where notifications.user_profile.as_of < excluded.as_of`
      : 'do nothing';
  const rows = await tx.execute<{ user_id: string }[]>(
    `insert into notifications.user_profile (user_id, email, timezone, email_enabled, budget_alerts, recurring_reminders, goal_milestones, as_of, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (user_id) ${onConflict}
     returning user_id`,
    [userId, s.email, s.timezone, s.preferences.email, s.preferences.budget_alerts, s.preferences.recurring_reminders, s.preferences.goal_milestones, asOf, now],
  );
  return rows.length > 0;
}
