import type { Logger } from 'pino';

/** SHUTDOWN_DRAIN_MS and SHUTDOWN_TIMEOUT_MS, as a config parsed with shutdownEnv (config.ts) holds them. */
export interface ShutdownSettings {
  SHUTDOWN_DRAIN_MS: number;
  SHUTDOWN_TIMEOUT_MS: number;
}

/** What a process stops on a signal: a running service, the gateway. */
export interface Stoppable {
  /** At the signal: report not ready (gRPC health of the service, the gateway's /health/ready) and go on serving. */
  drain?(): void;
  /**
   * After the drain: stop taking work, finish what is in flight, then close connections. `deadline`
   * (epoch ms) is when the process exits 1 whatever happens; tests call stop() without one.
   */
  stop(deadline?: number): Promise<void>;
}

/**
 * Stops the process gracefully on SIGTERM or SIGINT, then exits 0:
 * 1. drain: `drain()` marks it not ready, and it keeps serving for SHUTDOWN_DRAIN_MS, the time load
 *    balancers (Kubernetes endpoints, kube-proxy) take to stop sending it work;
 * 2. stop: `stop(deadline)` refuses new work, lets what is in flight finish and closes.
 * Everything must end within SHUTDOWN_TIMEOUT_MS of the signal, else it exits 1 (as does a failed
 * stop or a second signal), so an orchestrator never waits on a stuck process. A bare function is a
 * stop without a drain.
 */
export function onShutdown(logger: Logger, target: Stoppable | (() => Promise<void>), settings: Partial<ShutdownSettings> = {}): void {
  const drainMs = settings.SHUTDOWN_DRAIN_MS ?? 0;
  const timeoutMs = settings.SHUTDOWN_TIMEOUT_MS ?? 25_000;
  const drain = typeof target === 'function' ? undefined : target.drain?.bind(target);
  const stop = typeof target === 'function' ? target : target.stop.bind(target);
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    const deadline = Date.now() + timeoutMs;
    logger.info({ signal, drain_ms: drainMs, timeout_ms: timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeout_ms: timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    const run = async () => {
      drain?.();
      if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
      await stop(deadline);
    };
    run().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // The handler goes on before the start's listener comes off: a signal with no listener left has
  // its watcher closed, and one already caught but not yet dispatched would be lost with it.
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
  process.off('SIGTERM', signalledDuringStart).off('SIGINT', signalledDuringStart);
  clearTimeout(startStopTimer);
  // A signal that came while the process was starting (between runMain and here) stops it now,
  // drain and all, instead of being lost or killing it half-started.
  if (earlySignal) handler(earlySignal);
}

/** How long a process told to stop while it starts may go on starting before it exits 1 anyway. */
const START_STOP_TIMEOUT_MS = 25_000;
let earlySignal: NodeJS.Signals | undefined;
let startStopTimer: NodeJS.Timeout | undefined;

function signalledDuringStart(signal: NodeJS.Signals): void {
  if (earlySignal) process.exit(1); // a second signal
  earlySignal = signal;
  startStopTimer = setTimeout(() => process.exit(1), START_STOP_TIMEOUT_MS).unref();
}

/**
 * How long a gRPC server may wait for its calls in flight before cancelling them, so that the rest of
 * a service's stop (background work, connections) still fits before `deadline`: what is left minus
 * `reserveMs`. Without a deadline (tests, the in-process e2e stack), `fallbackMs`.
 */
export function graceBefore(deadline: number | undefined, { reserveMs = 3000, fallbackMs = 5000 } = {}): number {
  return deadline === undefined ? fallbackMs : Math.max(0, deadline - Date.now() - reserveMs);
}

/**
 * Runs a composition root's start function; a config or start-up error prints plainly and exits 1.
 * A SIGTERM or SIGINT before the start function reaches onShutdown is held, and onShutdown acts on it.
 */
export function runMain(start: () => Promise<void>): void {
  process.on('SIGTERM', signalledDuringStart).on('SIGINT', signalledDuringStart);
  start().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error && err.name === 'ConfigError' ? err.message : (err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
