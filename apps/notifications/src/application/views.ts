import type { NotificationKind, NotificationPreferences } from '../domain/notification.js';

/** A notification as the user sees it. */
export interface NotificationView {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  createdAt: Date;
  /** null while unread. */
  readAt: Date | null;
}

/** What notifications keeps of a user: auth's profile, as of its last auth.user.updated.v1 (or GetUser). */
export interface UserSnapshot {
  email: string;
  /** IANA zone ("today" for reminders). */
  timezone: string;
  preferences: NotificationPreferences;
}

/** An e-mail of the outbox, claimed for sending. */
export interface QueuedEmail {
  id: string;
  notificationId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The Message-ID header (with angle brackets), the same at every attempt. */
  messageId: string;
  /** Attempts made before this one. */
  attempts: number;
}
