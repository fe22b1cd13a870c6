import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotificationView } from '../application/views.js';
import type { NotificationKind } from '../domain/notification.js';
import type { KeysetCursor } from '../domain/pagination.js';

// Notifications in plain SQL; every query of a user's notification is filtered by user_id.

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  created_at: Date | string;
  read_at: Date | string | null;
  created_key: string;
}

const COLUMNS = 'id, kind, title, body, created_at, read_at';
const CREATED_KEY = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key`;

function toView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    createdAt: new Date(row.created_at),
    readAt: row.read_at === null ? null : new Date(row.read_at),
  };
}

export interface NewNotification {
  id: string;
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  sourceKey: string;
  createdAt: Date;
}

/** Inserts the notification unless the user already has one for its source key; true when inserted. */
export async function insertNotification(tx: EntityManager, n: NewNotification): Promise<boolean> {
  const rows = await tx.execute<{ id: string }[]>(
    `insert into notifications.notification (id, user_id, kind, title, body, source_key, created_at)
     values (?, ?, ?, ?, ?, ?, ?)
     on conflict (user_id, source_key) do nothing
     returning id`,
    [n.id, n.userId, n.kind, n.title, n.body, n.sourceKey, n.createdAt],
  );
  return rows.length > 0;
}

/** Whether the user already has the notification of this source key (checked before asking auth for a profile). */
export async function notificationExists(em: EntityManager, userId: string, sourceKey: string): Promise<boolean> {
  const rows = await em.execute<{ found: number }[]>('select 1 as found from notifications.notification where user_id = ? and source_key = ?', [userId, sourceKey]);
  return rows.length > 0;
}

export interface NotificationListItem {
  view: NotificationView;
  /** created_at to the microsecond, UTC: the sort key the cursor carries. */
  createdKey: string;
}

/** One page, newest first: rows strictly after the cursor's (created_at, id) in descending order. */
export async function selectNotificationPage(
  em: EntityManager,
  userId: string,
  opts: { unreadOnly: boolean; after: KeysetCursor | undefined; limit: number },
): Promise<NotificationListItem[]> {
  const where = ['user_id = ?'];
  const params: unknown[] = [userId];
  if (opts.unreadOnly) where.push('read_at is null');
  if (opts.after) {
    where.push('(created_at, id) < (?::timestamptz, ?::uuid)');
    params.push(opts.after.createdKey, opts.after.id);
  }
  params.push(opts.limit);
  const rows = await em.execute<NotificationRow[]>(
    `select ${COLUMNS}, ${CREATED_KEY} from notifications.notification
      where ${where.join(' and ')}
      order by created_at desc, id desc
      limit ?`,
    params,
  );
  return rows.map((row) => ({ view: toView(row), createdKey: row.created_key }));
}

/**
 * Sets read_at the first time (a read notification keeps its first read_at); the user's notification
 * as it is afterwards, or undefined when the user has none with this id.
 */
export async function markNotificationRead(em: EntityManager, userId: string, id: string, now: Date): Promise<NotificationView | undefined> {
  const rows = await em.execute<NotificationRow[]>(
    `update notifications.notification set read_at = coalesce(read_at, ?)
      where user_id = ? and id = ?
      returning ${COLUMNS}, '' as created_key`,
    [now, userId, id],
  );
  return rows[0] && toView(rows[0]);
}

/** Marks every unread notification of the user read; returns how many it marked. */
export async function markAllNotificationsRead(em: EntityManager, userId: string, now: Date): Promise<number> {
  return (await em.execute<{ affectedRows: number }>('update notifications.notification set read_at = ? where user_id = ? and read_at is null', [now, userId], 'run')).affectedRows;
}

export interface ErasedNotifications {
  notifications: number;
  emails: number;
  profiles: number;
}

/** Deletes every row of the user (e-mails before their notifications); returns how many of each. */
export async function deleteUserNotificationData(tx: EntityManager, userId: string): Promise<ErasedNotifications> {
  const run = async (table: string) => (await tx.execute<{ affectedRows: number }>(`delete from notifications.${table} where user_id = ?`, [userId], 'run')).affectedRows;
  const emails = await run('email_outbox');
  const notifications = await run('notification');
  const profiles = await run('user_profile');
  return { notifications, emails, profiles };
}
