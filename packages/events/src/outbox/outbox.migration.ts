import { Migration, quoteIdent } from '@finance/platform';

/** The NOTIFY channel the outbox trigger signals on; the payload is the schema name. */
export const OUTBOX_CHANNEL = 'finance_outbox';

/**
 * Creates `outbox_message`, `processed_event` and the insert trigger that wakes the relays (its
 * NOTIFY is delivered on commit). Add it to the service's own migrations list so the tables land
 * in the service's schema: names are unqualified and resolve in the schema the migrator runs in
 * (openDatabase sets it). `outboxMigration(schema)` gives a variant with qualified names.
 */
export class OutboxMigration extends Migration {
  override name = 'Migration20261124000000EventsOutbox';
  /** Schema to qualify names with; unset = the migrator's search_path. */
  protected readonly qualifier: string | undefined = undefined;

  override up(): void {
    const q = (name: string) => (this.qualifier ? `${quoteIdent(this.qualifier)}.${name}` : name);
    this.addSql(`
      create table ${q('outbox_message')} (
        id uuid primary key,
        subject text not null,
        payload jsonb not null,
        created_at timestamptz not null default clock_timestamp(),
        published_at timestamptz,
        attempts integer not null default 0,
        last_error text
      )`);
    // The relay's queue: unpublished rows in the order they were written.
    this.addSql(`create index outbox_message_unpublished_idx on ${q('outbox_message')} (created_at, id) where published_at is null`);
    // Pruning of published rows.
    this.addSql(`create index outbox_message_published_at_idx on ${q('outbox_message')} (published_at) where published_at is not null`);
    this.addSql(`
      create table ${q('processed_event')} (
        consumer text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      )`);
    this.addSql(`
      create function ${q('outbox_message_notify')}() returns trigger language plpgsql as $$
      begin
        perform pg_notify('${OUTBOX_CHANNEL}', tg_table_schema);
        return null;
      end
      $$`);
    this.addSql(`
      create trigger outbox_message_notify after insert on ${q('outbox_message')}
      for each statement execute function ${q('outbox_message_notify')}()`);
  }

  override down(): void {
    const q = (name: string) => (this.qualifier ? `${quoteIdent(this.qualifier)}.${name}` : name);
    this.addSql(`drop table ${q('outbox_message')}`);
    this.addSql(`drop function ${q('outbox_message_notify')}()`);
    this.addSql(`drop table ${q('processed_event')}`);
  }
}

/** The outbox migration, optionally with every name qualified by `schema`. */
export function outboxMigration(schema?: string): typeof OutboxMigration {
  if (!schema) return OutboxMigration;
  return class QualifiedOutboxMigration extends OutboxMigration {
    protected override readonly qualifier = schema;
  };
}

/**
 * Adds `outbox_message.trace_context`: the trace a row was written in (`traceparent[,tracestate]`),
 * continued by the relay when it publishes the row. Nullable, so rows written before (or while
 * tracing is off) stay valid and are published as before.
 */
export class OutboxTraceContextMigration extends Migration {
  override name = 'Migration20261205100000EventsOutboxTraceContext';
  protected readonly qualifier: string | undefined = undefined;

  override up(): void {
    const table = this.qualifier ? `${quoteIdent(this.qualifier)}.outbox_message` : 'outbox_message';
    this.addSql(`alter table ${table} add column trace_context text`);
  }

  override down(): void {
    const table = this.qualifier ? `${quoteIdent(this.qualifier)}.outbox_message` : 'outbox_message';
    this.addSql(`alter table ${table} drop column trace_context`);
  }
}

/**
 * Every migration of the outbox tables, in order (optionally with names qualified by `schema`): put
 * them first in the service's own migrations list.
 */
export function outboxMigrations(schema?: string): (typeof OutboxMigration | typeof OutboxTraceContextMigration)[] {
  if (!schema) return [OutboxMigration, OutboxTraceContextMigration];
  return [
    outboxMigration(schema),
    class QualifiedOutboxTraceContextMigration extends OutboxTraceContextMigration {
      protected override readonly qualifier = schema;
    },
  ];
}
