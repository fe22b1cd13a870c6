import { startConsumer, type EventConsumer, type NatsClient } from '@finance/events';
import { userUpdated } from '@finance/events/contracts/auth';
import type { Logger } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import { rememberUserTimezone } from '../../application/timezones.js';

/**
 * auth.user.updated.v1 → the user's time zone, which decides the day the recurring scheduler
 * considers "today" for them (application/timezones.ts). Idempotent (processed_event).
 */
export function subscribeToUserUpdated(opts: { nats: NatsClient; orm: MikroORM; namespace: string; logger: Logger; now: () => Date }): EventConsumer {
  return startConsumer({
    nats: opts.nats,
    orm: opts.orm,
    contract: userUpdated,
    durable: 'ledger-user-updated',
    namespace: opts.namespace,
    logger: opts.logger,
    handler: async (em, event) => {
      const stored = await rememberUserTimezone(em, event.user_id, event.timezone, opts.now());
      opts.logger.debug({ user_id: event.user_id, stored }, 'user time zone updated');
    },
  });
}
