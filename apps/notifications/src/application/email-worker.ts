import type { Logger, MetricsRegistry } from '@finance/platform';
import { deliverDueEmails, nextDueAt, type EmailDeliveryOptions } from './email-delivery.js';
import { emailMeters } from './email-metrics.js';

export interface EmailWorkerOptions extends EmailDeliveryOptions {
  /** The longest pause between two scans of the outbox (MAIL_SCAN_INTERVAL_MS); 0 = no scans (tests call runOnce). */
  scanIntervalMs: number;
  logger?: Logger | undefined;
  /** Where the queue size and send outcomes are reported (email-metrics.ts). */
  metrics?: MetricsRegistry | undefined;
}

/**
 * The mail worker of one process: runs `deliverDueEmails` at start, shortly after an e-mail is
 * queued here (`wake()`), when the next retry falls due, and at least every `scanIntervalMs`
 * (e-mails queued by another replica). One run at a time. `stop()` lets the e-mail in flight finish
 * (its outcome is committed) and sends no further one.
 */
export class EmailWorker {
  readonly #opts: EmailWorkerOptions;
  #timer: NodeJS.Timeout | undefined;
  #timerDueAt = Number.POSITIVE_INFINITY;
  #running: Promise<void> | undefined;
  #stopped = false;
  readonly #meters: ReturnType<typeof emailMeters> | undefined;

  constructor(opts: EmailWorkerOptions) {
    this.#opts = opts;
    this.#meters = opts.metrics ? emailMeters(opts.metrics, opts.orm, opts.logger) : undefined;
  }

  start(): void {
    if (this.#opts.scanIntervalMs > 0) this.#schedule(0);
  }

  /** Something was queued: run soon. */
  wake(): void {
    if (this.#stopped || this.#opts.scanIntervalMs <= 0) return;
    // Called by the handler that queued the e-mail, before its transaction commits: a run a moment
    // later finds the row (if the commit is slower, the next scan does).
    this.#schedule(50);
  }

  /** One run by hand (tests with scanIntervalMs 0): sends everything due now. */
  async runOnce(): Promise<void> {
    if (this.#running) await this.#running;
    await this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Runs a tick after `delayMs`, unless one is already planned sooner. */
  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    const dueAt = Date.now() + Math.max(0, delayMs);
    if (this.#timer && this.#timerDueAt <= dueAt) return;
    clearTimeout(this.#timer);
    this.#timerDueAt = dueAt;
    this.#timer = setTimeout(() => void this.#tick(), Math.max(0, delayMs));
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    this.#timer = undefined;
    this.#timerDueAt = Number.POSITIVE_INFINITY;
    if (this.#stopped) return;
    // A run in progress (runOnce) may have scanned before what woke us was committed: run after it.
    if (this.#running) await this.#running;
    await this.#run();
    if (this.#stopped) return;
    let delay = this.#opts.scanIntervalMs;
    try {
      const due = await nextDueAt(this.#opts.orm);
      if (due) delay = Math.min(delay, Math.max(0, due.getTime() - this.#opts.now().getTime()));
    } catch (err) {
      this.#opts.logger?.warn({ err }, 'could not read when the next e-mail is due');
    }
    this.#schedule(delay);
  }

  #run(): Promise<void> {
    const run = (async () => {
      try {
        const outcomes = await deliverDueEmails(this.#opts, () => this.#stopped);
        this.#meters?.attempted(outcomes);
      } catch (err) {
        // The database unreachable, typically: the next scan tries again.
        this.#opts.logger?.warn({ err }, 'e-mail delivery run failed');
      }
    })();
    this.#running = run;
    void run.finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    return run;
  }
}
