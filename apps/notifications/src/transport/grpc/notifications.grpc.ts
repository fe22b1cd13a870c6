import type { AsyncServiceImplementation, GrpcServiceRegistration } from '@finance/platform';
import { notificationsV1 } from '@finance/proto';
import type { NotificationsContext } from '../../application/context.js';
import { listNotifications, markAllRead, markRead } from '../../application/notifications.js';
import type { NotificationView } from '../../application/views.js';
import type { NotificationKind } from '../../domain/notification.js';

const { NotificationKind: ProtoKind } = notificationsV1;

const PROTO_KINDS: Record<NotificationKind, notificationsV1.NotificationKind> = {
  budget_threshold: ProtoKind.NOTIFICATION_KIND_BUDGET_THRESHOLD,
  goal_milestone: ProtoKind.NOTIFICATION_KIND_GOAL_MILESTONE,
  recurring_upcoming: ProtoKind.NOTIFICATION_KIND_RECURRING_UPCOMING,
};

function toNotification(n: NotificationView): notificationsV1.Notification {
  return { id: n.id, kind: PROTO_KINDS[n.kind], title: n.title, body: n.body, createdAt: n.createdAt, readAt: n.readAt ?? undefined };
}

/** proto ⇄ use cases, nothing more. */
export function notificationsGrpcService(ctx: NotificationsContext): AsyncServiceImplementation<typeof notificationsV1.NotificationsServiceService> {
  return {
    listNotifications: async (req) => {
      const page = await listNotifications(ctx, { userId: req.userId, unreadOnly: req.unreadOnly, limit: req.page?.limit, cursor: req.page?.cursor });
      return { items: page.items.map(toNotification), page: { nextCursor: page.nextCursor } };
    },
    markRead: async (req) => ({ notification: toNotification(await markRead(ctx, { userId: req.userId, id: req.id })) }),
    markAllRead: async (req) => ({ marked: await markAllRead(ctx, { userId: req.userId }) }),
  };
}

/** The notifications service as startGrpcServer registers it (the composition root sees no generated types). */
export function notificationsGrpcRegistration(ctx: NotificationsContext): GrpcServiceRegistration {
  return { definition: notificationsV1.NotificationsServiceService, implementation: notificationsGrpcService(ctx) };
}
