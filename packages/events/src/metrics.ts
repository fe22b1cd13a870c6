// What the event plumbing reports to a service's registry (platform's metrics.ts): the outbox's
// backlog, read from its table when Prometheus scrapes, and what every consumer did with each
// message. The registry comes with the NATS client (connectNats({ metrics })), so every relay and
// consumer of a service reports without being handed it one by one.
import { counterOf, gaugeOf, type Counter, type Logger, type MetricsRegistry, type MikroORM } from '@finance/platform';

/** What a consumer did with one message. */
export type ConsumedOutcome = 'handled' | 'duplicate' | 'failed' | 'invalid';

export interface ConsumerMeters {
  consumed: Record<ConsumedOutcome, Counter.Internal>;
  /** A message delivered again (a handler failed, or the ack was lost). */
  redelivered: Counter.Internal;
  /** A message terminated because its payload does not parse: it never comes back, someone must look. */
  parked: Counter.Internal;
}

/** The instruments of a consumer of `subject` (the contract's subject, without namespace: bounded). */
export function consumerMeters(registry: MetricsRegistry, subject: string): ConsumerMeters {
  const consumed = counterOf(registry, {
    name: 'finance_events_consumed_total',
    help: 'Event messages a consumer took, by subject and outcome: handled, duplicate (already handled), failed (handler error, redelivered later), invalid (payload does not parse, parked).',
    labelNames: ['subject', 'outcome'],
  });
  const redelivered = counterOf(registry, {
    name: 'finance_events_redelivered_total',
    help: 'Event messages delivered more than once (after a handler failure or a lost ack), by subject.',
    labelNames: ['subject'],
  });
  const parked = counterOf(registry, {
    name: 'finance_events_parked_total',
    help: 'Event messages terminated without handling because their payload does not parse, by subject.',
    labelNames: ['subject'],
  });
  return {
    consumed: {
      handled: consumed.labels({ subject, outcome: 'handled' }),
      duplicate: consumed.labels({ subject, outcome: 'duplicate' }),
      failed: consumed.labels({ subject, outcome: 'failed' }),
      invalid: consumed.labels({ subject, outcome: 'invalid' }),
    },
    redelivered: redelivered.labels({ subject }),
    parked: parked.labels({ subject }),
  };
}

/**
 * finance_outbox_backlog_events and finance_outbox_oldest_unsent_age_seconds of `table` (a
 * qualified outbox_message), read at scrape time by one query on the relay's partial index of
 * unpublished rows; and finance_outbox_published_total, which the relay counts. A failed read (the
 * database is unreachable) leaves both gauges NaN for that scrape, so the rest of the page is still
 * served and no stale backlog is shown. One outbox per registry: the first relay's table is read.
 */
export function outboxMeters(registry: MetricsRegistry, orm: MikroORM, table: string, logger?: Logger): { published: { inc(n?: number): void } } {
  let reading: Promise<{ backlog: number; oldest: number }> | undefined;
  // Both gauges are collected concurrently in one scrape: they share one query.
  const read = () =>
    (reading ??= orm.em
      .fork()
      .execute(
        `select count(*)::int as backlog, coalesce(extract(epoch from clock_timestamp() - min(created_at)), 0)::float8 as oldest
           from ${table} where published_at is null`,
      )
      .then(
        (rows) => {
          const row = (rows as { backlog: number; oldest: number }[])[0]!;
          return { backlog: Number(row.backlog), oldest: Math.max(0, Number(row.oldest)) };
        },
        (err: unknown) => {
          logger?.warn({ err }, 'reading the outbox backlog for metrics failed');
          return { backlog: Number.NaN, oldest: Number.NaN };
        },
      )
      .finally(() => (reading = undefined)));
  gaugeOf(registry, {
    name: 'finance_outbox_backlog_events',
    help: 'Events written to the outbox and not yet published to NATS (read at scrape time).',
    async collect() {
      this.set((await read()).backlog);
    },
  });
  gaugeOf(registry, {
    name: 'finance_outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest unpublished outbox event, 0 when none waits (read at scrape time).',
    async collect() {
      this.set((await read()).oldest);
    },
  });
  const published = counterOf(registry, {
    name: 'finance_outbox_published_total',
    help: 'Outbox events published to NATS and acknowledged by JetStream.',
  });
  return { published };
}
