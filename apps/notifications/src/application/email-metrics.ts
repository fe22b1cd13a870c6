import { counterOf, gaugeReadAtScrape, type Logger, type MetricsRegistry } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import { countQueuedEmails } from '../persistence/email-outbox.queries.js';
import type { AttemptOutcome } from './email-delivery.js';

/**
 * The e-mail outbox's metrics: finance_email_queue_size, read at scrape time (every replica sees the
 * same queue), and finance_email_attempts_total{outcome} of this process's sends: sent, retry (a
 * transient failure, tried again later) and failed (refused for good, never retried).
 */
export function emailMeters(registry: MetricsRegistry, orm: MikroORM, logger?: Logger): { attempted(outcomes: readonly AttemptOutcome[]): void } {
  const attempts = counterOf(registry, {
    name: 'finance_email_attempts_total',
    help: 'E-mail sending attempts by outcome: sent, retry (transient failure, tried again later), failed (refused for good).',
    labelNames: ['outcome'],
  });
  const byOutcome: Record<AttemptOutcome, ReturnType<typeof attempts.labels>> = {
    sent: attempts.labels({ outcome: 'sent' }),
    retry: attempts.labels({ outcome: 'retry' }),
    failed: attempts.labels({ outcome: 'failed' }),
  };
  gaugeReadAtScrape(
    registry,
    { name: 'finance_email_queue_size', help: 'E-mails in the outbox not sent yet and not given up (due now or waiting for a retry).' },
    () => countQueuedEmails(orm.em.fork()),
    logger,
    'the e-mail queue',
  );
  return {
    attempted(outcomes) {
      for (const outcome of outcomes) byOutcome[outcome].inc();
    },
  };
}
