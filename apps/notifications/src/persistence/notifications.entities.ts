import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { NotificationKind } from '../domain/notification.js';

// Tables live in the `notifications` schema (set once in the ORM config); migrations.ts has the DDL,
// including what an entity definition cannot express: check constraints, partial indexes, the
// cascade from a notification to its e-mail. Reads and writes go through the plain SQL of the
// *.queries.ts files; these definitions give the ORM the tables' shape.

export const NotificationEntity = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    kind: p.text().$type<NotificationKind>(),
    title: p.text(),
    body: p.text(),
    sourceKey: p.text(),
    createdAt: p.datetime(),
    readAt: p.datetime().nullable(),
  },
});
export type Notification = InferEntity<typeof NotificationEntity>;

export const UserProfileEntity = defineEntity({
  name: 'UserProfile',
  tableName: 'user_profile',
  properties: {
    userId: p.uuid().primary(),
    email: p.text(),
    timezone: p.text(),
    emailEnabled: p.boolean(),
    budgetAlerts: p.boolean(),
    recurringReminders: p.boolean(),
    goalMilestones: p.boolean(),
    asOf: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type UserProfile = InferEntity<typeof UserProfileEntity>;

export const EmailOutboxEntity = defineEntity({
  name: 'EmailOutbox',
  tableName: 'email_outbox',
  properties: {
    id: p.uuid().primary(),
    notificationId: p.uuid(),
    userId: p.uuid(),
    toAddress: p.text(),
    subject: p.text(),
    textBody: p.text(),
    htmlBody: p.text(),
    messageId: p.text(),
    attempts: p.integer(),
    nextAttemptAt: p.datetime(),
    sentAt: p.datetime().nullable(),
    failedAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime(),
  },
});
export type EmailOutbox = InferEntity<typeof EmailOutboxEntity>;

export const notificationsEntities = [NotificationEntity, UserProfileEntity, EmailOutboxEntity];
