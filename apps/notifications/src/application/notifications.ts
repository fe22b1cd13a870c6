import { canonicalUuid } from '@finance/platform/ids';
import { errors } from '../domain/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor, resolvePageSize, toPage, type Page } from '../domain/pagination.js';
import { markAllNotificationsRead, markNotificationRead, selectNotificationPage } from '../persistence/notification.queries.js';
import type { NotificationsContext } from './context.js';
import { requireUserId } from './users.js';
import type { NotificationView } from './views.js';

/** The user's notifications, newest first; `unreadOnly` keeps those not read yet. */
export async function listNotifications(
  ctx: NotificationsContext,
  input: { userId: string; unreadOnly: boolean; limit?: number | undefined; cursor?: string | undefined },
): Promise<Page<NotificationView>> {
  const userId = requireUserId(input.userId);
  const limit = resolvePageSize(input.limit);
  const after = decodeKeysetCursor(input.cursor);
  const rows = await selectNotificationPage(ctx.orm.em.fork(), userId, { unreadOnly: input.unreadOnly, after, limit: limit + 1 });
  const page = toPage(rows, limit, (last) => encodeKeysetCursor({ createdKey: last.createdKey, id: last.view.id }));
  return { items: page.items.map((r) => r.view), nextCursor: page.nextCursor };
}

/**
 * Marks one notification read: read_at is set the first time and kept afterwards (marking it again
 * answers it unchanged). Another user's, unknown and malformed ids are all NOT_FOUND.
 */
export async function markRead(ctx: NotificationsContext, input: { userId: string; id: string }): Promise<NotificationView> {
  const userId = requireUserId(input.userId);
  const id = canonicalUuid(input.id);
  if (!id) throw errors.notificationNotFound();
  const view = await markNotificationRead(ctx.orm.em.fork(), userId, id, ctx.now());
  if (!view) throw errors.notificationNotFound();
  return view;
}

/** Marks every unread notification of the user read; returns how many this call marked. */
export async function markAllRead(ctx: NotificationsContext, input: { userId: string }): Promise<number> {
  const userId = requireUserId(input.userId);
  return markAllNotificationsRead(ctx.orm.em.fork(), userId, ctx.now());
}
