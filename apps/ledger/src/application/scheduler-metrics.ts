import { counterOf, gaugeReadAtScrape, type Logger, type MetricsRegistry } from '@finance/platform';
import { dueOccurrenceLagSeconds } from '../persistence/recurring.queries.js';
import type { LedgerContext } from './context.js';
import type { SchedulerPassResult } from './scheduler.js';

/**
 * The recurring scheduler's metrics: occurrences created and upcoming events written by this
 * process's passes (counters), and its lag, read from the database at scrape time: how long the
 * oldest due occurrence not created yet has been due, from the start of its day in its user's time
 * zone (0 when none is). A healthy scheduler keeps it under RECURRING_SCAN_INTERVAL_S after each
 * local midnight; a stuck or failing one lets it grow. NaN when the database cannot be read.
 */
export function schedulerMeters(registry: MetricsRegistry, ctx: LedgerContext, logger: Logger): { passed(result: SchedulerPassResult): void } {
  const created = counterOf(registry, {
    name: 'finance_scheduler_occurrences_created_total',
    help: 'Occurrences (transactions) of recurring templates the scheduler created.',
  });
  const reminded = counterOf(registry, {
    name: 'finance_scheduler_reminders_written_total',
    help: 'ledger.recurring.upcoming.v1 events the scheduler wrote (one per template and occurrence date).',
  });
  gaugeReadAtScrape(
    registry,
    {
      name: 'finance_scheduler_lag_seconds',
      help: 'How long the oldest due recurring occurrence not yet created has been due (from the start of its day in its user\'s time zone); 0 when none is.',
    },
    () => dueOccurrenceLagSeconds(ctx.orm.em.fork(), ctx.now()),
    logger,
    'the scheduler lag',
  );
  return {
    passed(result) {
      if (result.created) created.inc(result.created);
      if (result.reminded) reminded.inc(result.reminded);
    },
  };
}
