import { startConsumer, type EventConsumer, type NatsClient } from '@finance/events';
import { transactionUpdated } from '@finance/events/contracts/ledger';
import type { Logger } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Rates } from '../../application/context.js';
import { applyUpdatedTransaction } from '../../application/transaction-events.js';

/**
 * ledger.transaction.updated.v1 → the recorded amount and date of a contributed transaction follow
 * it; an amount lowered below what is contributed shrinks the contributions newest first, a new date
 * converts their goal amounts at its rate, a new currency removes them
 * (application/transaction-events.ts). Recorded as processed in the same transaction; the currency
 * service unreachable fails the handler, and the event comes again later.
 */
export function subscribeToTransactionUpdated(opts: {
  nats: NatsClient;
  orm: MikroORM;
  namespace: string;
  logger: Logger;
  now: () => Date;
  rates: Rates;
}): EventConsumer {
  return startConsumer({
    nats: opts.nats,
    orm: opts.orm,
    contract: transactionUpdated,
    durable: 'goals-transaction-updated',
    namespace: opts.namespace,
    logger: opts.logger,
    handler: async (em, event) => {
      const { after } = event;
      const changed = await applyUpdatedTransaction(em, opts.rates, {
        userId: event.user_id,
        after: { transactionId: after.transaction_id, amountMinor: BigInt(after.amount_minor), currency: after.currency, date: after.date },
        now: opts.now(),
      });
      if (changed) opts.logger.info({ user_id: event.user_id, transaction_id: after.transaction_id, contributions: changed }, 'changed the contributions of an updated transaction');
    },
  });
}
