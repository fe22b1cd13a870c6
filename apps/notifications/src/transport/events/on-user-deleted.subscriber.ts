import { startConsumer, type EventConsumer } from '@finance/events';
import { userDeleted } from '@finance/events/contracts/auth';
import { eraseUserData } from '../../application/erasure.js';
import type { SubscriberOptions } from './subscriber-options.js';

/**
 * auth.user.deleted.v1 → every notifications row of that user is erased, and later events about the
 * user store nothing (application/erasure.ts). Recorded as processed in the same transaction as the
 * deletes, so a redelivered event changes nothing.
 */
export function subscribeToUserDeleted(opts: SubscriberOptions): EventConsumer {
  return startConsumer({
    ...opts.consumer,
    contract: userDeleted,
    durable: 'notifications-user-deleted',
    handler: async (em, event) => {
      const erased = await eraseUserData(em, event.user_id, opts.ctx.now());
      opts.consumer.logger.info({ user_id: event.user_id, ...erased }, 'erased the data of a deleted user');
    },
  });
}
