import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { localDate } from '@finance/calendar';
import { canonicalUuid } from '@finance/platform/ids';
import { deliveryFor, type NotificationKind } from '../domain/notification.js';
import { mailContentOf, type NotificationText } from '../domain/texts.js';
import { insertEmail } from '../persistence/email-outbox.queries.js';
import { insertNotification, notificationExists } from '../persistence/notification.queries.js';
import { selectUserProfile, storeUserProfile } from '../persistence/user-profile.queries.js';
import type { NotificationsContext } from './context.js';
import { lockLiveUser } from './erasure.js';
import type { UserSnapshot } from './views.js';

export type NotifyOutcome =
  /** A notification was stored (and, per the preferences, an e-mail queued). */
  | 'in_app'
  | 'in_app_and_email'
  /** The user switched this kind off: nothing is stored. */
  | 'disabled'
  /** The user already has the notification of this source key. */
  | 'duplicate'
  /** The user was erased here, or auth no longer knows the user (its deletion event follows). */
  | 'user_gone';

export interface NotifyInput {
  userId: string;
  kind: NotificationKind;
  /** domain/notification.ts sourceKey: what is announced, unique per user. */
  sourceKey: string;
  /** The words, made once the user's snapshot (time zone) and today there are known. */
  text(user: { snapshot: UserSnapshot; today: string }): NotificationText;
}

/**
 * The one path from an event to a notification, in the consumer's transaction: the user's shared
 * lock and tombstone (an erased user gets nothing), the source key (announced already → nothing),
 * the user's snapshot (stored from auth.user.updated.v1, else asked from auth with GetUser and
 * stored), the preferences **as they are now**, then the notification and — when e-mail is on — its
 * e-mail in the outbox, both in this transaction: either both are committed with the event's
 * processed_event row, or neither.
 */
export async function notify(tx: EntityManager, ctx: Pick<NotificationsContext, 'users' | 'now' | 'mailDomain' | 'emailQueued'>, input: NotifyInput): Promise<NotifyOutcome> {
  const userId = canonicalUuid(input.userId);
  if (!userId) return 'user_gone';
  if (!(await lockLiveUser(tx, userId))) return 'user_gone';
  if (await notificationExists(tx, userId, input.sourceKey)) return 'duplicate';

  const now = ctx.now();
  let snapshot = await selectUserProfile(tx, userId);
  if (!snapshot) {
    // auth publishes no event at registration: until the user changes their profile, ask (deadline 3 s;
    // auth down fails the handler and the event is delivered again later).
    snapshot = await ctx.users.snapshotOf(userId);
    if (!snapshot) return 'user_gone';
    await storeUserProfile(tx, userId, snapshot, now, now, 'if_absent');
  }
  const delivery = deliveryFor(input.kind, snapshot.preferences, snapshot.email.length > 0);
  if (delivery === 'none') return 'disabled';

  const text = input.text({ snapshot, today: localDate(now, snapshot.timezone) });
  const id = randomUUID();
  const inserted = await insertNotification(tx, { id, userId, kind: input.kind, title: text.title, body: text.body, sourceKey: input.sourceKey, createdAt: now });
  if (!inserted) return 'duplicate';
  if (delivery === 'in_app_and_email') {
    const mail = mailContentOf(text);
    await insertEmail(tx, { id: randomUUID(), notificationId: id, userId, to: snapshot.email, ...mail, messageId: `<${id}@${ctx.mailDomain}>`, now });
    ctx.emailQueued();
  }
  return delivery;
}
