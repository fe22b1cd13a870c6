import { startConsumer, type EventConsumer, type NatsClient } from '@finance/events';
import { categoryDeleted } from '@finance/events/contracts/ledger';
import type { Logger } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import { deleteCategoryBudgets } from '../../application/erasure.js';

/**
 * ledger.category.deleted.v1 → the budgets of that category are deleted (API.md: "Budgets of that
 * category are deleted", whether or not its transactions were reassigned). Recorded as processed in
 * the same transaction, and deleting is idempotent anyway.
 */
export function subscribeToCategoryDeleted(opts: { nats: NatsClient; orm: MikroORM; namespace: string; logger: Logger; now: () => Date }): EventConsumer {
  return startConsumer({
    nats: opts.nats,
    orm: opts.orm,
    contract: categoryDeleted,
    durable: 'budgeting-category-deleted',
    namespace: opts.namespace,
    logger: opts.logger,
    handler: async (em, event) => {
      const deleted = await deleteCategoryBudgets(em, { userId: event.user_id, categoryId: event.category_id, now: opts.now() });
      opts.logger.info({ user_id: event.user_id, category_id: event.category_id, budgets: deleted }, 'deleted the budgets of a deleted category');
    },
  });
}
