import { startConsumer, type EventConsumer } from '@finance/events';
import { budgetThresholdCrossed } from '@finance/events/contracts/budgeting';
import { notify } from '../../application/notify.js';
import { sourceKey } from '../../domain/notification.js';
import { budgetThresholdText } from '../../domain/texts.js';
import type { SubscriberOptions } from './subscriber-options.js';

/**
 * budgeting.budget.threshold_crossed.v1 → a `budget_threshold` alert (and e-mail), once per budget,
 * period and threshold (application/notify.ts; budgeting announces each once, and the source key
 * holds even against a republished copy with a new event id), unless the user switched
 * budget_alerts off.
 */
export function subscribeToBudgetThresholdCrossed(opts: SubscriberOptions): EventConsumer {
  return startConsumer({
    ...opts.consumer,
    contract: budgetThresholdCrossed,
    durable: 'notifications-budget-threshold-crossed',
    handler: async (em, event) => {
      const outcome = await notify(em, opts.ctx, {
        userId: event.user_id,
        kind: 'budget_threshold',
        sourceKey: sourceKey.budgetThreshold(event.budget_id, event.period_start, event.threshold),
        text: () =>
          budgetThresholdText({
            budgetName: event.budget_name,
            categoryName: event.category_name,
            threshold: event.threshold,
            periodStart: event.period_start,
            periodEnd: event.period_end,
            amount: event.amount,
            spent: event.spent,
            currency: event.currency,
            percentUsed: event.percent_used,
          }),
      });
      opts.consumer.logger.info({ user_id: event.user_id, budget_id: event.budget_id, threshold: event.threshold, period_start: event.period_start, outcome }, 'budget threshold');
    },
  });
}
