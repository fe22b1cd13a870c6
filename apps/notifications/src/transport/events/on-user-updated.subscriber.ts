import { startConsumer, type EventConsumer } from '@finance/events';
import { userUpdated } from '@finance/events/contracts/auth';
import { rememberUserProfile } from '../../application/profiles.js';
import type { SubscriberOptions } from './subscriber-options.js';

/**
 * auth.user.updated.v1 → the user's snapshot (e-mail address, time zone, notification_preferences),
 * replaced unless a newer one is stored (application/profiles.ts). Preferences are read when a
 * notification is made, so a change applies to every later one.
 */
export function subscribeToUserUpdated(opts: SubscriberOptions): EventConsumer {
  return startConsumer({
    ...opts.consumer,
    contract: userUpdated,
    durable: 'notifications-user-updated',
    handler: async (em, event) => {
      const stored = await rememberUserProfile(em, {
        userId: event.user_id,
        snapshot: { email: event.email, timezone: event.timezone, preferences: event.notification_preferences },
        occurredAt: new Date(event.occurred_at),
        now: opts.ctx.now(),
      });
      opts.consumer.logger.debug({ user_id: event.user_id, stored }, 'user profile snapshot');
    },
  });
}
