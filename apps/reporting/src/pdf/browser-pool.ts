import { DomainError } from '@finance/platform/errors';
import type { Logger } from '@finance/platform';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { z } from 'zod';

export const PdfErrorCode = {
  /** Every page slot and the whole queue are taken: 503 with Retry-After. */
  busy: 'REPORTING_PDF_BUSY',
  /** Chromium could not be started, died twice under one render, or the service is shutting down: 503. */
  unavailable: 'REPORTING_PDF_UNAVAILABLE',
} as const;

/**
 * The environment the PDF renderer reads (spread into the service's config schema). Chromium is
 * Debian's (`apt-get install chromium`, done by the bootstrap); puppeteer's own download cannot work here.
 */
export const pdfEnv = {
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  // Each page of Chromium costs a renderer process (~50–100 MB): this bounds memory and CPU.
  PDF_MAX_CONCURRENT: z.coerce.number().int().min(1).max(32).default(2),
  // Requests waiting for a page; beyond it the answer is REPORTING_PDF_BUSY at once, not a slow timeout.
  PDF_MAX_QUEUE: z.coerce.number().int().min(0).max(1000).default(8),
};

export interface BrowserPoolOptions {
  executablePath: string;
  maxConcurrent: number;
  maxQueue: number;
  logger?: Logger;
}

export interface BrowserPool {
  /**
   * Runs `work` on a page of the shared browser (launched on first use, relaunched if it died), once
   * a slot is free. A page whose work succeeded is kept for the next request (at most one per slot):
   * opening a page costs about 200 ms here, more than half of printing one; a page whose work failed
   * is closed. Throws REPORTING_PDF_BUSY at once when every slot is taken and the queue is full.
   */
  withPage<T>(work: (page: Page) => Promise<T>): Promise<T>;
  /** Pages rendering now and requests waiting for one. */
  load(): { active: number; queued: number };
  /** The browser of the last launch, if it is still connected (tests kill it; nothing else needs it). */
  currentBrowser(): Browser | undefined;
  /** Refuses queued and new work and closes the browser. */
  close(): Promise<void>;
}

/**
 * Chromium's flags. `--headless` is added by puppeteer (`headless: true` → `--headless=new`, the only
 * headless mode of current Chromium). The background-networking ones matter on a closed network:
 * without them Chromium keeps trying to reach Google's hosts and can stall (TOOLCHAIN.md, trap 8).
 * `--no-sandbox` because the services run as root in these machines, where the sandbox refuses to start,
 * and in Kubernetes (infra/k8s) it cannot work either: the pod drops every capability, forbids privilege
 * escalation (no setuid sandbox) and runs under the RuntimeDefault seccomp profile, which refuses the
 * user namespaces the namespace sandbox needs. The pod's isolation is the sandbox there.
 * `--disable-dev-shm-usage` puts Chromium's shared memory in /tmp (the pod's emptyDir) instead of the
 * container's small /dev/shm.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

// The first guess of how long a page is held, before any render was measured (the P6 target).
const INITIAL_HOLD_MS = 1000;

export function createBrowserPool(options: BrowserPoolOptions): BrowserPool {
  const { executablePath, maxConcurrent, maxQueue, logger } = options;
  let browserPromise: Promise<Browser> | undefined;
  let lastBrowser: Browser | undefined;
  let active = 0;
  const waiting: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  let closed = false;
  // Pages that finished their work cleanly, for the next request (never more than maxConcurrent).
  const idle: Page[] = [];
  // Moving average of how long a render holds its page: the basis of the Retry-After hint.
  let holdMs = INITIAL_HOLD_MS;

  const shuttingDown = () => new DomainError('unavailable', PdfErrorCode.unavailable, 'The PDF renderer is shutting down.');

  /** The time until a slot is likely free for one more request: the queue ahead of it, drained `maxConcurrent` at a time. */
  const retryAfterSeconds = () => Math.max(1, Math.ceil(((waiting.length + 1) * holdMs) / maxConcurrent / 1000));

  // Synchronous up to the decision, so requests are admitted in call order.
  function acquire(): Promise<void> {
    if (closed) return Promise.reject(shuttingDown());
    if (active < maxConcurrent) {
      active++;
      return Promise.resolve();
    }
    if (waiting.length >= maxQueue) {
      return Promise.reject(
        new DomainError('unavailable', PdfErrorCode.busy, `Every PDF renderer is busy (${active} rendering, ${waiting.length} waiting); try again shortly.`, {
          retryAfterSeconds: retryAfterSeconds(),
        }),
      );
    }
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  function release(heldMs: number): void {
    holdMs = 0.8 * holdMs + 0.2 * heldMs;
    const next = waiting.shift();
    // The slot passes straight to the next request, so `active` stays as it is.
    if (next) next.resolve();
    else active--;
  }

  async function launch(): Promise<Browser> {
    const started = performance.now();
    try {
      const browser = await puppeteer.launch({
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        // A pipe instead of a debugging port: nothing listens on the network, and the browser's death closes it.
        pipe: true,
        // The service's own shutdown closes the browser (close()); puppeteer's signal handlers would
        // race it. Puppeteer still kills the browser when this process exits.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: 30_000,
      });
      logger?.info({ browserPid: browser.process()?.pid, ms: Math.round(performance.now() - started) }, 'chromium launched');
      return browser;
    } catch (err) {
      logger?.error({ err, executablePath }, 'chromium failed to launch');
      throw new DomainError('unavailable', PdfErrorCode.unavailable, `Chromium could not be started (${executablePath}).`, { cause: err });
    }
  }

  /** The shared browser, launched on first use and again after it disconnected (crashed, killed, closed). */
  function browser(): Promise<Browser> {
    if (!browserPromise) {
      const launching = launch();
      browserPromise = launching;
      // Registered before any caller's continuation, so no disconnect can slip between launch and listener.
      launching.then(
        (launched) => {
          lastBrowser = launched;
          launched.once('disconnected', () => {
            if (browserPromise === launching) browserPromise = undefined;
            if (!closed) logger?.warn({ browserPid: launched.process()?.pid }, 'chromium disconnected; the next render launches a new one');
          });
          // A disconnect before the listener existed (not expected: events arrive on a later tick).
          if (!launched.connected && browserPromise === launching) browserPromise = undefined;
        },
        () => {
          // A failed launch is not remembered: the next render tries again.
          if (browserPromise === launching) browserPromise = undefined;
        },
      );
    }
    return browserPromise;
  }

  /** A kept page of `shared`, if any; pages of an earlier (dead) browser are dropped. */
  function takeIdle(shared: Browser): Page | undefined {
    for (let page = idle.pop(); page; page = idle.pop()) if (!page.isClosed() && page.browser() === shared) return page;
    return undefined;
  }

  async function onPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (closed) throw shuttingDown();
      const shared = await browser();
      let page: Page | undefined;
      let clean = false;
      try {
        page = takeIdle(shared) ?? (await shared.newPage());
        const result = await work(page);
        clean = true;
        return result;
      } catch (err) {
        if (shared.connected || closed) throw err;
        // The browser died under this render (a crash, a kill, out of memory): it does not say
        // anything about this page, so a new browser gets it once.
        if (attempt === 1) continue;
        throw new DomainError('unavailable', PdfErrorCode.unavailable, 'Chromium died while rendering, twice.', { cause: err });
      } finally {
        // A page of a dead browser is gone with it; one that failed (a timeout, a crash of its
        // renderer) may be in any state, so it is not reused.
        if (page && shared.connected) {
          if (clean && !closed && !page.isClosed()) idle.push(page);
          else await page.close().catch(() => undefined);
        }
      }
    }
  }

  return {
    async withPage(work) {
      await acquire();
      const started = performance.now();
      try {
        return await onPage(work);
      } finally {
        release(performance.now() - started);
      }
    },
    load: () => ({ active, queued: waiting.length }),
    currentBrowser: () => (lastBrowser?.connected ? lastBrowser : undefined),
    async close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter.reject(shuttingDown());
      // Closed with their browser.
      idle.length = 0;
      const running = browserPromise;
      browserPromise = undefined;
      const shared = await running?.catch(() => undefined);
      if (shared?.connected) await shared.close().catch(() => undefined);
    },
  };
}
