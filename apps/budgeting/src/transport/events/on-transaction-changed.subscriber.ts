import { startConsumer, type EventConsumer, type NatsClient } from '@finance/events';
import { transactionCreated, transactionUpdated, type TransactionSnapshot } from '@finance/events/contracts/ledger';
import { parseIsoDate } from '@finance/calendar';
import type { Logger } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { BudgetingContext } from '../../application/context.js';
import { requestChecksForTransaction, type ThresholdChecker, type TimezoneCache } from '../../application/thresholds.js';
import type { TransactionSide } from '../../domain/thresholds.js';

export interface TransactionConsumerOptions {
  nats: NatsClient;
  orm: MikroORM;
  namespace: string;
  logger: Logger;
  ctx: BudgetingContext;
  timezones: TimezoneCache;
  checker: ThresholdChecker;
}

/** undefined for a date that only looks like one (2026-02-30): the contract checks the shape alone. */
function sideOf(t: TransactionSnapshot): TransactionSide | undefined {
  const date = parseIsoDate(t.date);
  return date && { transactionType: t.transaction_type, date, categoryId: t.category_id };
}

/**
 * ledger.transaction.created.v1 and ledger.transaction.updated.v1 → the budgets whose current period
 * the expense (as it is now) falls in are queued for a threshold check (application/thresholds.ts),
 * in the transaction that records the event as processed; the checker, woken shortly after,
 * announces what was crossed. Income and expenses outside every current period end here without a
 * ledger call. A payload that does not parse is logged and terminated by the consumer (parked in
 * the stream, never retried, the consumer goes on).
 *
 * Only what a transaction is now can raise a budget's spending: the state before an update, and a
 * deleted transaction, only lower it, and lowering crosses nothing (a crossing undone and redone in
 * the period is not announced again; the marks remember it). So ledger.transaction.deleted.v1 is not
 * consumed, and an update is judged on its `after` side.
 */
export function subscribeToTransactionEvents(opts: TransactionConsumerOptions): EventConsumer[] {
  const common = { nats: opts.nats, orm: opts.orm, namespace: opts.namespace, logger: opts.logger };
  const handle = async (em: Parameters<typeof requestChecksForTransaction>[2], userId: string, t: TransactionSnapshot) => {
    const side = sideOf(t);
    if (!side) {
      // Retrying cannot make it a date: logged and dropped (recorded as processed), like a payload that does not parse.
      opts.logger.error({ user_id: userId, transaction_id: t.transaction_id, date: t.date }, 'transaction event with an impossible date; ignored');
      return;
    }
    const count = await requestChecksForTransaction(opts.ctx, opts.timezones, em, { userId, transactionId: t.transaction_id, side });
    if (count === 0) return;
    opts.logger.debug({ user_id: userId, transaction_id: t.transaction_id, budgets: count }, 'queued budget threshold checks');
    opts.checker.wakeSoon();
  };
  return [
    startConsumer({
      ...common,
      contract: transactionCreated,
      durable: 'budgeting-transaction-created',
      handler: (em, event) => handle(em, event.user_id, event.transaction),
    }),
    startConsumer({
      ...common,
      contract: transactionUpdated,
      durable: 'budgeting-transaction-updated',
      handler: (em, event) => handle(em, event.user_id, event.after),
    }),
  ];
}
