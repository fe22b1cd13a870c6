import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger, MetricsRegistry } from '@finance/platform';
import { abortableSleep } from '../util.js';

export interface ConnectNatsOptions {
  /** NATS_URL; several servers may be given comma-separated. */
  url: string | string[];
  /** Client name shown by the server (the service name). */
  name: string;
  logger?: Logger;
  /** Pause between reconnect attempts. Default 1000 ms. */
  reconnectTimeWaitMs?: number;
  /** Client pings; a connection missing 3 answers counts as lost. Default 20 s. */
  pingIntervalMs?: number;
  /**
   * The service's metrics registry: the outbox relays and consumers on this client report to it
   * (events/src/metrics.ts) unless given one of their own.
   */
  metrics?: MetricsRegistry;
}

type ConnectListener = (nc: NatsConnection) => void;

/**
 * A NATS connection that is allowed not to exist yet. `connectNats` returns at once and keeps
 * dialling in the background until the first connection succeeds, after which the client
 * reconnects forever; if the connection is ever closed from the outside, dialling starts again.
 * So a service starts, and keeps serving, while NATS is unreachable: its events wait in the outbox.
 */
export class NatsClient {
  readonly name: string;
  /** Where the relays and consumers on this client count (ConnectNatsOptions.metrics). */
  readonly metrics: MetricsRegistry | undefined;
  readonly #servers: string[];
  readonly #logger: Logger | undefined;
  readonly #reconnectTimeWaitMs: number;
  readonly #pingIntervalMs: number;
  readonly #closing = new AbortController();
  readonly #listeners = new Set<ConnectListener>();
  #nc: NatsConnection | undefined;
  #connected = false;

  constructor(opts: ConnectNatsOptions) {
    this.name = opts.name;
    this.metrics = opts.metrics;
    this.#servers = (Array.isArray(opts.url) ? opts.url : opts.url.split(',')).map((s) => s.trim()).filter(Boolean);
    this.#logger = opts.logger;
    this.#reconnectTimeWaitMs = opts.reconnectTimeWaitMs ?? 1_000;
    this.#pingIntervalMs = opts.pingIntervalMs ?? 20_000;
    void this.#dial();
  }

  /** The current connection, if one was ever established and has not been replaced. */
  get connection(): NatsConnection | undefined {
    return this.#nc;
  }

  /** True while the client is connected (false during reconnects and before the first connect). */
  get isConnected(): boolean {
    return this.#connected;
  }

  get isClosed(): boolean {
    return this.#closing.signal.aborted;
  }

  /**
   * Resolves with a live connection: at once when connected, else on the next (re)connect.
   * Resolves with undefined if the client is closed first, or `signal` aborts.
   */
  ready(signal?: AbortSignal): Promise<NatsConnection | undefined> {
    if (this.#nc && this.#connected) return Promise.resolve(this.#nc);
    if (this.isClosed || signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const done = (nc: NatsConnection | undefined) => {
        this.#listeners.delete(onConnect);
        signal?.removeEventListener('abort', onAbort);
        this.#closing.signal.removeEventListener('abort', onAbort);
        resolve(nc);
      };
      const onConnect = (nc: NatsConnection) => done(nc);
      const onAbort = () => done(undefined);
      this.#listeners.add(onConnect);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#closing.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Calls `listener` on every connect and reconnect (not for a connection already up). Returns an unsubscribe. */
  onConnect(listener: ConnectListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Drains nothing: the outbox and JetStream redelivery make a plain close safe. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.#closing.abort();
    this.#connected = false;
    await this.#nc?.close().catch(() => undefined);
  }

  async #dial(): Promise<void> {
    let attempts = 0;
    while (!this.isClosed) {
      try {
        const nc = await connect({
          servers: this.#servers,
          name: this.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: this.#reconnectTimeWaitMs,
          reconnectJitter: Math.min(500, this.#reconnectTimeWaitMs),
          pingInterval: this.#pingIntervalMs,
          maxPingOut: 3,
          timeout: 5_000,
        });
        if (this.isClosed) {
          await nc.close();
          return;
        }
        if (attempts > 0) this.#logger?.info({ servers: this.#servers, attempts }, 'NATS reachable again: connected');
        else this.#logger?.debug({ servers: this.#servers }, 'NATS connected');
        this.#attach(nc);
        return;
      } catch (err) {
        attempts += 1;
        // Loud once, then quietly: a NATS outage is expected to be survived.
        if (attempts === 1 || attempts % 30 === 0) {
          this.#logger?.warn({ err, servers: this.#servers, attempts }, 'NATS unreachable; the service keeps running and retries');
        }
        await abortableSleep(Math.min(this.#reconnectTimeWaitMs * attempts, 5_000), this.#closing.signal);
      }
    }
  }

  #attach(nc: NatsConnection): void {
    this.#nc = nc;
    this.#connected = true;
    this.#emit(nc);
    void (async () => {
      for await (const status of nc.status()) {
        switch (status.type) {
          case 'disconnect':
            this.#connected = false;
            if (!this.isClosed) this.#logger?.warn({ server: status.server }, 'NATS disconnected; reconnecting');
            break;
          case 'reconnect':
            this.#connected = true;
            this.#logger?.info({ server: status.server }, 'NATS reconnected');
            this.#emit(nc);
            break;
          case 'error':
            this.#logger?.error({ err: status.error }, 'NATS error');
            break;
          case 'ldm':
            this.#logger?.warn({ server: status.server }, 'NATS server entering lame duck mode');
            break;
          default:
            break;
        }
      }
    })().catch(() => undefined);
    void nc.closed().then((err) => {
      if (this.#nc !== nc) return;
      this.#connected = false;
      if (this.isClosed) return;
      // maxReconnectAttempts is -1, so this is e.g. an authorization failure: start over.
      this.#logger?.error({ err }, 'NATS connection closed unexpectedly; dialling again');
      this.#nc = undefined;
      void this.#dial();
    });
  }

  #emit(nc: NatsConnection): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(nc);
      } catch (err) {
        this.#logger?.error({ err }, 'NATS connect listener failed');
      }
    }
  }
}

/**
 * Starts connecting to NATS and returns at once (see NatsClient): never blocks a service's start
 * on the broker. `await` on it is harmless.
 */
export function connectNats(opts: ConnectNatsOptions): NatsClient {
  return new NatsClient(opts);
}
