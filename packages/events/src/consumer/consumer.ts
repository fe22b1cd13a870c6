import { quoteIdent, schemaOf, traceContextApi, traceLogFields, tracingEnabled, type EntityManager, type MetricsRegistry, type MikroORM } from '@finance/platform';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from '@finance/platform';
import { eventStream, type EventContract, type EventOf } from '../contract.js';
import type { NatsClient } from '../nats/connect.js';
import { ensureDurableConsumer, ensureStream } from '../nats/streams.js';
import { assertNamespace, namespacedDurable, namespacedSubject } from '../naming.js';
import { endSpan, startProcessSpan } from '../tracing.js';
import { abortableSleep, backoffMs, errorMessage } from '../util.js';
import { consumerMeters, type ConsumerMeters } from '../metrics.js';

/** How long one pull request lives on the server; see where it is used. */
const PULL_EXPIRES_MS = 10_000;

export type EventHandler<C extends EventContract<string, any>> = (em: EntityManager, event: EventOf<C>) => Promise<void>;

export interface ConsumerOptions<C extends EventContract<string, any>> {
  nats: NatsClient;
  orm: MikroORM;
  contract: C;
  /** `<consumer>-<event>` without dots, e.g. `ledger-user-deleted`. */
  durable: string;
  /** Runs inside the transaction that records the event as processed; use its `em` for every write. */
  handler: EventHandler<C>;
  logger?: Logger;
  /** EVENT_NAMESPACE; '' in production. */
  namespace?: string;
  /** JetStream redelivers a message not acked within this time. Default 30 s. */
  ackWaitMs?: number;
  /** Messages pulled ahead of the handler. Default 10. */
  prefetch?: number;
  /**
   * Where a durable created for the first time starts: 'all' (default) replays what the stream
   * still holds, so a consumer deployed after its producer misses nothing; 'new' starts at the end.
   * An existing durable keeps its position either way.
   */
  startAt?: 'all' | 'new';
  /** Redelivery delay after a handler failure, by delivery count (1 = first). Default 1 s doubling to 5 min. */
  retryDelayMs?: (deliveryCount: number) => number;
  /** The registry finance_events_* are counted in (events/src/metrics.ts). Default: the NATS client's. */
  metrics?: MetricsRegistry;
}

export interface EventConsumer {
  /** The namespaced durable name. */
  readonly durable: string;
  /** Resolves once the durable consumer exists and is pulling (that may wait for NATS); rejects if stopped first. */
  ready(): Promise<void>;
  /** Stops pulling, lets the message in hand finish, and returns. */
  stop(): Promise<void>;
}

const defaultRetryDelay = (deliveryCount: number) => Math.min(1_000 * 2 ** Math.max(0, deliveryCount - 1), 5 * 60_000);

/**
 * Consumes one event type through a durable pull consumer (created or updated idempotently,
 * filtered on the contract's subject). For each message, in one database transaction: insert
 * (consumer, event_id) into processed_event `on conflict do nothing`; only if that row is new, run
 * the handler with the transaction's em; commit; then ack. So a redelivered or republished event
 * runs the handler once. A payload that does not parse is logged and terminated (never retried,
 * never fatal); a handler error is logged and the message nak'ed with a delay.
 *
 * Returns at once; while NATS is unreachable it waits, and it re-creates its consumer (and the
 * stream) when they disappear, e.g. after a NATS restart without storage.
 */
export function startConsumer<C extends EventContract<string, any>>(opts: ConsumerOptions<C>): EventConsumer {
  return new DurableEventConsumer(opts);
}

class DurableEventConsumer<C extends EventContract<string, any>> implements EventConsumer {
  readonly durable: string;
  readonly #opts: ConsumerOptions<C>;
  readonly #namespace: string;
  readonly #logger: Logger | undefined;
  readonly #processedTable: string;
  readonly #meters: ConsumerMeters | undefined;
  readonly #stopping = new AbortController();
  readonly #ready: Promise<void>;
  #markReady!: () => void;
  #failReady!: (err: Error) => void;
  #messages: ConsumerMessages | undefined;
  readonly #loop: Promise<void>;

  constructor(opts: ConsumerOptions<C>) {
    this.#opts = opts;
    this.#namespace = assertNamespace(opts.namespace ?? '');
    this.durable = namespacedDurable(this.#namespace, opts.durable);
    this.#logger = opts.logger?.child({ component: 'event-consumer', durable: this.durable, subject: opts.contract.subject });
    this.#processedTable = `${quoteIdent(schemaOf(opts.orm))}.processed_event`;
    const metrics = opts.metrics ?? opts.nats.metrics;
    this.#meters = metrics ? consumerMeters(metrics, opts.contract.subject) : undefined;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve;
      this.#failReady = reject;
    });
    this.#ready.catch(() => undefined); // only an error for whoever awaits ready()
    this.#loop = this.#run();
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  async stop(): Promise<void> {
    if (this.#stopping.signal.aborted) return this.#loop;
    this.#stopping.abort();
    this.#failReady(new Error(`consumer ${this.durable} stopped before it was ready`));
    await this.#messages?.close().catch(() => undefined);
    await this.#loop;
  }

  get #stopped(): boolean {
    return this.#stopping.signal.aborted;
  }

  async #run(): Promise<void> {
    const { contract } = this.#opts;
    let failures = 0;
    while (!this.#stopped) {
      const nc = await this.#opts.nats.ready(this.#stopping.signal);
      if (!nc || this.#stopped) break;
      try {
        const jsm = await jetstreamManager(nc, { checkAPI: false });
        const stream = await ensureStream(jsm, this.#namespace, eventStream(contract.service));
        await ensureDurableConsumer(jsm, stream, {
          durable_name: this.durable,
          filter_subject: namespacedSubject(this.#namespace, contract.subject),
          ack_policy: AckPolicy.Explicit,
          deliver_policy: this.#opts.startAt === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
          ack_wait: nanos(this.#opts.ackWaitMs ?? 30_000),
          max_deliver: -1,
          max_ack_pending: 1_000,
        });
        const consumer = await jetstream(nc).consumers.get(stream, this.durable);
        // Pulls expire after 10 s (default 30 s). The client's recovery after a reconnect or missed
        // heartbeats waits up to `expires` between attempts and heartbeats every expires / 2, so this
        // bounds how long a consumer stays deaf after NATS comes back; an idle pull every 10 s costs nothing.
        const messages = await consumer.consume({ max_messages: this.#opts.prefetch ?? 10, expires: PULL_EXPIRES_MS });
        this.#messages = messages;
        if (this.#stopped) {
          await messages.close();
          break;
        }
        this.#markReady();
        this.#logger?.debug('consuming');
        void this.#watch(messages);
        failures = 0;
        for await (const msg of messages) {
          await this.#handle(msg);
          if (this.#stopped) break;
        }
      } catch (err) {
        if (!this.#stopped) this.#logger?.warn({ err, attempt: failures + 1 }, 'event consumer interrupted; restarting');
      } finally {
        this.#messages = undefined;
      }
      if (!this.#stopped) await abortableSleep(backoffMs(++failures, 500, 30_000), this.#stopping.signal);
    }
  }

  /** Ends the message loop when the consumer or stream is gone, so `#run` re-creates them. */
  async #watch(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const status of messages.status()) {
        const gone =
          status.type === 'consumer_deleted' ||
          status.type === 'stream_not_found' ||
          (status.type === 'consumer_not_found' && status.count >= 2);
        if (gone) {
          this.#logger?.warn({ status: status.type }, 'durable consumer lost; re-creating it');
          await messages.close();
          return;
        }
      }
    } catch {
      // the message loop reports its own failures
    }
  }

  async #handle(msg: JsMsg): Promise<void> {
    const { contract, handler, orm } = this.#opts;
    if (this.#meters && msg.redelivered) this.#meters.redelivered.inc();
    let event: EventOf<C>;
    try {
      event = contract.schema.parse(msg.json()) as EventOf<C>;
    } catch (err) {
      this.#logger?.error(
        { seq: msg.seq, msg_id: msg.headers?.get('Nats-Msg-Id'), reason: errorMessage(err).slice(0, 1000) },
        'invalid event payload; terminated',
      );
      msg.term(); // no reason: servers before 2.11 do not parse one and would not terminate
      this.#meters?.consumed.invalid.inc();
      this.#meters?.parked.inc();
      return;
    }
    // The producer's trace goes on in a consumer span that the handler runs in (tracing.ts).
    const traced = tracingEnabled() ? startProcessSpan(msg, contract.subject, this.durable) : undefined;
    const handleInTransaction = () =>
      orm.em.fork().transactional(async (em) => {
        const fresh: unknown[] = await em.execute(
          `insert into ${this.#processedTable} (consumer, event_id) values (?, ?) on conflict do nothing returning event_id`,
          [this.durable, event.event_id],
        );
        if (fresh.length === 0) return false;
        await handler(em, event);
        return true;
      });
    try {
      const handled = await (traced ? traceContextApi.with(traced.ctx, handleInTransaction) : handleInTransaction());
      msg.ack();
      this.#meters?.consumed[handled ? 'handled' : 'duplicate'].inc();
      this.#logger?.debug({ event_id: event.event_id, duplicate: !handled, ...traceLogFields(traced?.span) }, handled ? 'event handled' : 'event already handled');
      if (traced) endSpan(traced.span, undefined, { 'finance.event.duplicate': !handled });
    } catch (err) {
      const delivery = msg.info.deliveryCount;
      const delay = (this.#opts.retryDelayMs ?? defaultRetryDelay)(delivery);
      this.#logger?.warn({ err, event_id: event.event_id, delivery, retry_in_ms: delay, ...traceLogFields(traced?.span) }, 'event handler failed; will be redelivered');
      if (traced) endSpan(traced.span, err);
      msg.nak(delay);
      this.#meters?.consumed.failed.inc();
    }
  }
}
