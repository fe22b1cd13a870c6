import { quoteIdent, schemaOf, tracingEnabled, type MetricsRegistry, type MikroORM } from '@finance/platform';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { Logger } from '@finance/platform';
import { streamOfSubject, type EventStream } from '../contract.js';
import type { NatsClient } from '../nats/connect.js';
import { ensureStream } from '../nats/streams.js';
import { assertNamespace, namespacedStream, namespacedSubject } from '../naming.js';
import { Alarm, abortableSleep, backoffMs, errorMessage } from '../util.js';
import { endSpan, startPublishSpan } from '../tracing.js';
import { OUTBOX_CHANNEL } from './outbox.migration.js';
import { outboxMeters } from '../metrics.js';

export interface OutboxRelayOptions {
  orm: MikroORM;
  nats: NatsClient;
  /** EVENT_NAMESPACE; '' in production. */
  namespace?: string;
  logger?: Logger;
  /** Streams created at every (re)connect, before any event needs them. Streams of other subjects are derived from the subject. */
  streams?: readonly EventStream[];
  /** Rows published per database transaction. Default 100. */
  batchSize?: number;
  /** Poll when nothing woke the relay. Default 5 s. */
  idlePollMs?: number;
  /** Wait for one JetStream ack. Default 5 s. */
  publishTimeoutMs?: number;
  /** Backoff after a failed publish: first delay and cap. Defaults 250 ms and 30 s. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Published rows older than this are deleted. Default 7 days. */
  retentionMs?: number;
  /** How often to prune. Default 1 hour. */
  pruneEveryMs?: number;
  /** LISTEN for the outbox trigger's NOTIFY (a separate connection). Default true. */
  listen?: boolean;
  /** The registry the backlog gauges and published counter go to (events/src/metrics.ts). Default: the NATS client's. */
  metrics?: MetricsRegistry;
}

type Row = { id: string; subject: string; payload: string; trace_context: string | null };
type BatchResult = { published: number; failed?: { id: string; error: unknown } };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Moves outbox rows to JetStream. Several replicas may run: each batch locks its rows
 * (`for update skip locked`), publishes them in creation order with the event id as `Nats-Msg-Id`,
 * and marks them published only after JetStream acknowledged them. A failed publish stops the
 * batch (order is kept) and is retried with backoff until it is acknowledged — the NATS client
 * itself never resends a timed-out publish.
 *
 * Wakes on `wake()`, on the outbox trigger's NOTIFY (any replica's commit), on NATS (re)connect,
 * and otherwise polls every `idlePollMs`.
 */
export class OutboxRelay {
  readonly #orm: MikroORM;
  readonly #nats: NatsClient;
  readonly #namespace: string;
  readonly #logger: Logger | undefined;
  readonly #streams: readonly EventStream[];
  readonly #table: string;
  readonly #schema: string;
  readonly #batchSize: number;
  readonly #idlePollMs: number;
  readonly #publishTimeoutMs: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #retentionMs: number;
  readonly #pruneEveryMs: number;
  readonly #listen: boolean;
  readonly #meters: ReturnType<typeof outboxMeters> | undefined;

  readonly #alarm = new Alarm();
  /** Wakes the relay out of a backoff, which `wake()` does not (a commit does not heal NATS). */
  readonly #reconnectAlarm = new Alarm();
  #stopping = new AbortController();
  #loops: Promise<void>[] = [];
  #unsubscribe: (() => void) | undefined;
  #listener: pg.Client | undefined;
  #ensured = new Set<string>();
  #jsFor: { nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager } | undefined;
  #lastPruneAt = 0;
  #started = false;

  constructor(opts: OutboxRelayOptions) {
    this.#orm = opts.orm;
    this.#nats = opts.nats;
    this.#namespace = assertNamespace(opts.namespace ?? '');
    this.#logger = opts.logger?.child({ component: 'outbox-relay' });
    this.#streams = opts.streams ?? [];
    this.#schema = schemaOf(opts.orm);
    this.#table = `${quoteIdent(this.#schema)}.outbox_message`;
    this.#batchSize = opts.batchSize ?? 100;
    this.#idlePollMs = opts.idlePollMs ?? 5_000;
    this.#publishTimeoutMs = opts.publishTimeoutMs ?? 5_000;
    this.#retryInitialMs = opts.retryInitialMs ?? 250;
    this.#retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.#retentionMs = opts.retentionMs ?? 7 * DAY_MS;
    this.#pruneEveryMs = opts.pruneEveryMs ?? 60 * 60 * 1000;
    this.#listen = opts.listen ?? true;
    const metrics = opts.metrics ?? opts.nats.metrics;
    this.#meters = metrics ? outboxMeters(metrics, this.#orm, this.#table, this.#logger) : undefined;
  }

  /** Starts the relay in the background (returns at once; NATS may still be unreachable). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = new AbortController();
    this.#unsubscribe = this.#nats.onConnect(() => {
      // A restarted server may have lost its streams: ensure them again before publishing.
      this.#ensured.clear();
      this.#reconnectAlarm.wake();
      this.#alarm.wake();
    });
    this.#loops = [this.#runPublisher()];
    if (this.#listen) this.#loops.push(this.#runListener());
  }

  /** Publish now: call after committing a transaction that enqueued events. */
  wake(): void {
    this.#alarm.wake();
  }

  /** Stops after the batch in flight; safe to call twice. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#stopping.abort();
    this.#unsubscribe?.();
    this.#alarm.wake();
    this.#reconnectAlarm.wake();
    await this.#listener?.end().catch(() => undefined);
    await Promise.all(this.#loops);
    this.#loops = [];
  }

  get #stopped(): boolean {
    return this.#stopping.signal.aborted;
  }

  async #runPublisher(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      const nc = this.#nats.connection;
      if (!nc || !this.#nats.isConnected) {
        // Nothing can be published; the (re)connect listener wakes us.
        await this.#alarm.sleep(this.#idlePollMs);
        continue;
      }
      let result: BatchResult;
      try {
        result = await this.#publishBatch(nc);
      } catch (error) {
        result = { published: 0, failed: { id: '', error } };
      }
      if (result.published) this.#meters?.published.inc(result.published);
      if (this.#stopped) break;
      if (result.failed) {
        failures += 1;
        const delay = backoffMs(failures, this.#retryInitialMs, this.#retryMaxMs);
        this.#logger?.warn(
          { err: result.failed.error, event_id: result.failed.id || undefined, attempt: failures, retry_in_ms: delay },
          'outbox publish failed; retrying',
        );
        // Only a reconnect (or stop) cuts a backoff short.
        this.#reconnectAlarm.clear();
        await this.#reconnectAlarm.sleep(delay);
        continue;
      }
      if (failures > 0) this.#logger?.info({ after_failures: failures }, 'outbox publishing again');
      failures = 0;
      await this.#pruneIfDue();
      if (result.published === this.#batchSize) continue; // more are waiting
      await this.#alarm.sleep(this.#idlePollMs);
    }
  }

  async #publishBatch(nc: NatsConnection): Promise<BatchResult> {
    const { js, jsm } = await this.#jetstream(nc);
    for (const stream of this.#streams) await this.#ensureStream(jsm, stream);
    const em = this.#orm.em.fork();
    return em.transactional(async (tx) => {
      const rows: Row[] = await tx.execute(
        `select id, subject, payload::text as payload, trace_context from ${this.#table}
          where published_at is null order by created_at, id limit ? for update skip locked`,
        [this.#batchSize],
      );
      const published: string[] = [];
      let failed: BatchResult['failed'];
      for (const row of rows) {
        let traced: ReturnType<typeof startPublishSpan> | undefined;
        try {
          await this.#ensureStream(jsm, streamOfSubject(row.subject));
          const subject = namespacedSubject(this.#namespace, row.subject);
          // The trace that wrote the row goes on in a producer span, carried in the headers (tracing.ts).
          if (tracingEnabled()) traced = startPublishSpan(row, subject);
          const ack = await js.publish(subject, row.payload, {
            msgID: row.id,
            timeout: this.#publishTimeoutMs,
            ...(traced ? { headers: traced.headers } : {}),
          });
          if (traced) endSpan(traced.span);
          published.push(row.id);
          this.#logger?.debug({ event_id: row.id, subject: row.subject, seq: ack.seq, duplicate: ack.duplicate }, 'event published');
        } catch (error) {
          if (traced) endSpan(traced.span, error);
          // The stream may be gone (server restarted without its store): ensure again next time.
          this.#ensured.clear();
          failed = { id: row.id, error };
          break;
        }
      }
      if (published.length > 0) {
        await tx.execute(
          `update ${this.#table} set published_at = now(), attempts = attempts + 1, last_error = null
            where id in (${published.map(() => '?').join(', ')})`,
          published,
        );
      }
      if (failed) {
        await tx.execute(`update ${this.#table} set attempts = attempts + 1, last_error = ? where id = ?`, [
          errorMessage(failed.error).slice(0, 2000),
          failed.id,
        ]);
      }
      return failed ? { published: published.length, failed } : { published: published.length };
    });
  }

  async #jetstream(nc: NatsConnection): Promise<{ js: JetStreamClient; jsm: JetStreamManager }> {
    if (this.#jsFor?.nc !== nc) {
      const jsm = await jetstreamManager(nc, { checkAPI: false, timeout: this.#publishTimeoutMs });
      this.#jsFor = { nc, jsm, js: jetstream(nc, { timeout: this.#publishTimeoutMs }) };
      this.#ensured.clear();
    }
    return this.#jsFor;
  }

  async #ensureStream(jsm: JetStreamManager, stream: EventStream): Promise<void> {
    const name = namespacedStream(this.#namespace, stream.name);
    if (this.#ensured.has(name)) return;
    await ensureStream(jsm, this.#namespace, stream);
    this.#ensured.add(name);
  }

  async #pruneIfDue(): Promise<void> {
    if (Date.now() - this.#lastPruneAt < this.#pruneEveryMs) return;
    this.#lastPruneAt = Date.now();
    try {
      const deleted = await this.#orm.em
        .fork()
        .execute(`delete from ${this.#table} where published_at < ?`, [new Date(Date.now() - this.#retentionMs)], 'run');
      const affected = (deleted as { affectedRows?: number }).affectedRows ?? 0;
      if (affected > 0) this.#logger?.info({ deleted: affected }, 'pruned published outbox rows');
    } catch (err) {
      this.#logger?.warn({ err }, 'outbox pruning failed');
    }
  }

  /** LISTENs on a connection of its own; reconnects with backoff; every (re)listen catches up once. */
  async #runListener(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      const client = new pg.Client(this.#listenConnectionConfig());
      let ended!: () => void;
      const closed = new Promise<void>((resolve) => (ended = resolve));
      client.on('error', (err) => {
        if (!this.#stopped) this.#logger?.warn({ err }, 'outbox LISTEN connection failed');
        ended();
      });
      client.on('end', () => ended());
      client.on('notification', (n) => {
        if (n.channel === OUTBOX_CHANNEL && n.payload === this.#schema) this.#alarm.wake();
      });
      try {
        await client.connect();
        await client.query(`listen ${OUTBOX_CHANNEL}`);
        this.#listener = client;
        if (this.#stopped) break;
        failures = 0;
        this.#alarm.wake(); // rows committed while nobody listened
        await closed;
      } catch (err) {
        if (!this.#stopped) this.#logger?.warn({ err }, 'outbox LISTEN unavailable; polling meanwhile');
      } finally {
        this.#listener = undefined;
        await client.end().catch(() => undefined);
      }
      if (!this.#stopped) await abortableSleep(backoffMs(++failures, 500, 30_000), this.#stopping.signal);
    }
  }

  #listenConnectionConfig(): pg.ClientConfig {
    const options = this.#orm.em.getConnection().getConnectionOptions();
    return {
      host: options.host,
      port: options.port,
      user: options.user,
      password: options.password as pg.ClientConfig['password'],
      database: options.database,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    };
  }
}
