import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notificationsV1 } from '@finance/proto';
import { z } from 'zod';
import type { NotificationsClient } from '../clients.js';
import { component, doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import { ContractViolationError, idParams, nextCursor, pageQueryFields, pageSchema, timestamp } from './schemas.js';

export interface NotificationsRoutesOptions {
  notifications: NotificationsClient;
}

/** The notifications service's answer for a notification that is missing or someone else's; also for a malformed id. */
export const NOTIFICATION_NOT_FOUND = { code: 'NOTIFICATIONS_NOTIFICATION_NOT_FOUND', detail: 'Notification not found.' };

export const NOTIFICATION_KINDS = ['budget_threshold', 'goal_milestone', 'recurring_upcoming'] as const;
type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const { NotificationKind: ProtoKind } = notificationsV1;
const KINDS: Partial<Record<notificationsV1.NotificationKind, NotificationKind>> = {
  [ProtoKind.NOTIFICATION_KIND_BUDGET_THRESHOLD]: 'budget_threshold',
  [ProtoKind.NOTIFICATION_KIND_GOAL_MILESTONE]: 'goal_milestone',
  [ProtoKind.NOTIFICATION_KIND_RECURRING_UPCOMING]: 'recurring_upcoming',
};

const isoTimestamp = doc(z.iso.datetime(), 'ISO 8601, UTC');

export const notificationSchema = z.object({
  id: z.string(),
  kind: doc(
    z.enum(NOTIFICATION_KINDS),
    '`budget_threshold`: a budget reached 80 % or 100 % in its current period (once per budget, period and threshold); `goal_milestone`: a goal reached 25, 50, 75 or 100 % (once per goal and milestone); `recurring_upcoming`: a recurring transaction is due in a few days (once per occurrence)',
  ),
  title: doc(z.string(), 'One line, readable as it is: the budget’s or goal’s name, amounts with their currency, dates'),
  body: doc(z.string(), 'A few sentences of plain text'),
  created_at: isoTimestamp,
  read_at: doc(z.iso.datetime().nullable(), 'ISO 8601, UTC: when it was first marked read; null while unread'),
});

export const notificationPageSchema = pageSchema(notificationSchema);
const readAllSchema = z.object({ marked: doc(z.number().int(), 'How many notifications this request marked read (0 when all were read already)') });

component(notificationSchema, 'Notification');
component(notificationPageSchema, 'NotificationPage', 'A page of notifications, newest first');
component(readAllSchema, 'ReadAllResult');

const listQuery = z.object({
  ...pageQueryFields,
  unread: doc(z.enum(['true', 'false'], { error: 'must be true or false' }).optional(), '`true`: only notifications not read yet; absent or `false`: all'),
});

export type NotificationResponse = z.output<typeof notificationSchema>;

export function toNotificationResponse(n: notificationsV1.Notification | undefined): NotificationResponse {
  if (!n) throw new ContractViolationError('notifications returned no notification');
  const kind = KINDS[n.kind];
  if (!kind) throw new ContractViolationError(`notifications returned an unknown kind ${n.kind}`);
  return {
    id: n.id,
    kind,
    title: n.title,
    body: n.body,
    created_at: timestamp(n.createdAt, 'notification created_at'),
    read_at: n.readAt === undefined ? null : timestamp(n.readAt, 'notification read_at'),
  };
}

export const notificationsRoutes: FastifyPluginAsyncZod<NotificationsRoutesOptions> = async (app, { notifications }) => {
  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        operationId: 'listNotifications',
        summary: 'Your notifications',
        description:
          'Budget alerts, goal milestones and reminders of upcoming recurring transactions, newest first. `unread=true` lists only those not read yet. ' +
          'Follow `next_cursor` until it is null; notifications that arrive while you page appear at the top, never inside the pages you walk. ' +
          'Which kinds you get, and whether they are also e-mailed, is set by `notification_preferences` (`PUT /users/me`).',
        querystring: listQuery,
        response: { 200: jsonResponse(notificationPageSchema, 'A page of notifications, newest first'), ...problemResponses(401, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { limit, cursor, unread } = request.query;
      const { items, page } = await notifications.listNotifications(
        { userId, page: { limit, cursor: cursor ?? '' }, unreadOnly: unread === 'true' },
        { requestId: request.id },
      );
      return reply.send({ items: items.map(toNotificationResponse), next_cursor: nextCursor(page) });
    },
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        operationId: 'markAllNotificationsRead',
        summary: 'Mark all your notifications read',
        description: 'Every unread notification of yours gets `read_at` now; those read already keep theirs. Answers how many this request marked.',
        response: { 200: jsonResponse(readAllSchema, 'How many were marked read'), ...problemResponses(401, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { marked } = await notifications.markAllRead({ userId }, { requestId: request.id });
      return reply.send({ marked });
    },
  );

  app.post(
    '/notifications/:id/read',
    {
      config: { notFound: NOTIFICATION_NOT_FOUND },
      schema: {
        tags: ['notifications'],
        operationId: 'markNotificationRead',
        summary: 'Mark a notification read',
        description: 'Sets `read_at` the first time; marking it again answers it unchanged (the first `read_at` stays).',
        params: idParams,
        response: { 200: jsonResponse(notificationSchema, 'The notification, read'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { notification } = await notifications.markRead({ userId, id: request.params.id }, { requestId: request.id });
      return reply.send(toNotificationResponse(notification));
    },
  );
};
