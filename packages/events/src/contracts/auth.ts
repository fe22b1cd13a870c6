import { z } from 'zod';
import { defineEvent, eventStream } from '../contract.js';

// Events published by the auth service (stream AUTH, subjects auth.>).

export const authStream = eventStream('auth');
export const authEventStreams = [authStream];

export const notificationPreferences = z.object({
  email: z.boolean(),
  budget_alerts: z.boolean(),
  recurring_reminders: z.boolean(),
  goal_milestones: z.boolean(),
});

/** A user's profile changed; carries the whole profile so consumers keep a snapshot without asking. */
export const userUpdated = defineEvent({
  subject: 'auth.user.updated.v1',
  stream: 'AUTH',
  schema: z.object({
    email: z.email(),
    username: z.string().min(1),
    base_currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
    timezone: z.string().min(1),
    notification_preferences: notificationPreferences,
  }),
});

/** A user and everything of theirs is gone; every consumer deletes its rows for `user_id`. */
export const userDeleted = defineEvent({
  subject: 'auth.user.deleted.v1',
  stream: 'AUTH',
  schema: z.object({}),
});

/** Why sessions were revoked: the values of `auth.session.revoked_reason`. */
export const sessionRevokedReason = z.enum(['logout', 'refresh_token_reused', 'password_changed']);

/**
 * Login sessions (refresh-token families) of `user_id` ended: their refresh tokens no longer work,
 * and whoever verifies access tokens (the gateway) must refuse those carrying one of these `sid`s
 * until they expire. Lists only sessions that may still have unexpired access tokens; written in
 * the transaction that revokes them.
 */
export const sessionRevoked = defineEvent({
  subject: 'auth.session.revoked.v1',
  stream: 'AUTH',
  schema: z.object({
    session_ids: z.array(z.uuid()).min(1),
    reason: sessionRevokedReason,
  }),
});

export const authEvents = [userUpdated, userDeleted, sessionRevoked] as const;
