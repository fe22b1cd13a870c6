import { startConsumer, type EventConsumer } from '@finance/events';
import { recurringUpcoming } from '@finance/events/contracts/ledger';
import { notify } from '../../application/notify.js';
import { sourceKey } from '../../domain/notification.js';
import { recurringUpcomingText } from '../../domain/texts.js';
import type { SubscriberOptions } from './subscriber-options.js';

/**
 * ledger.recurring.upcoming.v1 → a `recurring_upcoming` reminder (and e-mail), once per template and
 * occurrence date, unless the user switched recurring_reminders off. The ledger decides when an
 * occurrence is near (RECURRING_REMINDER_DAYS, default 3, in the user's time zone); the text says how
 * far it is from today in the user's time zone.
 */
export function subscribeToRecurringUpcoming(opts: SubscriberOptions): EventConsumer {
  return startConsumer({
    ...opts.consumer,
    contract: recurringUpcoming,
    durable: 'notifications-recurring-upcoming',
    handler: async (em, event) => {
      const outcome = await notify(em, opts.ctx, {
        userId: event.user_id,
        kind: 'recurring_upcoming',
        sourceKey: sourceKey.recurringUpcoming(event.recurring_id, event.occurrence_date),
        text: ({ today }) =>
          recurringUpcomingText({
            description: event.description,
            amountMinor: event.amount_minor,
            currency: event.currency,
            transactionType: event.transaction_type,
            occurrenceDate: event.occurrence_date,
            today,
          }),
      });
      opts.consumer.logger.info({ user_id: event.user_id, recurring_id: event.recurring_id, occurrence_date: event.occurrence_date, outcome }, 'recurring reminder');
    },
  });
}
