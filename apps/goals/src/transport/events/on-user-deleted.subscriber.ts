import { startConsumer, type EventConsumer, type NatsClient } from '@finance/events';
import { userDeleted } from '@finance/events/contracts/auth';
import type { Logger } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import { eraseUserData } from '../../application/erasure.js';

/**
 * auth.user.deleted.v1 → every goals row of that user is erased, and later writes of the user are
 * refused (application/erasure.ts). The consumer records the event id in the same transaction as
 * the deletes, so a redelivered event changes nothing.
 */
export function subscribeToUserDeleted(opts: { nats: NatsClient; orm: MikroORM; namespace: string; logger: Logger; now: () => Date }): EventConsumer {
  return startConsumer({
    nats: opts.nats,
    orm: opts.orm,
    contract: userDeleted,
    durable: 'goals-user-deleted',
    namespace: opts.namespace,
    logger: opts.logger,
    handler: async (em, event) => {
      const erased = await eraseUserData(em, event.user_id, opts.now());
      opts.logger.info({ user_id: event.user_id, ...erased }, 'erased the data of a deleted user');
    },
  });
}
