import { startConsumer, type EventConsumer, type NatsClient } from '@finance/events';
import { transactionDeleted } from '@finance/events/contracts/ledger';
import type { Logger } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import { removeDeletedTransaction } from '../../application/transaction-events.js';

/**
 * ledger.transaction.deleted.v1 → the transaction's contributions disappear and their goals go down
 * (application/transaction-events.ts). Recorded as processed in the same transaction; a redelivered
 * event, or one arriving after the goal was deleted, finds nothing to remove.
 */
export function subscribeToTransactionDeleted(opts: { nats: NatsClient; orm: MikroORM; namespace: string; logger: Logger; now: () => Date }): EventConsumer {
  return startConsumer({
    nats: opts.nats,
    orm: opts.orm,
    contract: transactionDeleted,
    durable: 'goals-transaction-deleted',
    namespace: opts.namespace,
    logger: opts.logger,
    handler: async (em, event) => {
      const removed = await removeDeletedTransaction(em, { userId: event.user_id, transactionId: event.transaction.transaction_id, now: opts.now() });
      if (removed) opts.logger.info({ user_id: event.user_id, transaction_id: event.transaction.transaction_id, contributions: removed }, 'removed the contributions of a deleted transaction');
    },
  });
}
