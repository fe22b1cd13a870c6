import type { Logger, MetricsRegistry } from '@finance/platform';
import type { HTTPRequest, Page } from 'puppeteer-core';
import { pdfMeters } from '../metrics.js';
import { createBrowserPool, type BrowserPool } from './browser-pool.js';

export interface PdfRendererConfig {
  CHROMIUM_PATH: string;
  PDF_MAX_CONCURRENT: number;
  PDF_MAX_QUEUE: number;
}

export interface PdfRenderer {
  /** One self-contained HTML document → an A4 PDF (backgrounds printed). Nothing is fetched. */
  renderPdf(html: string): Promise<Buffer>;
  /** Shutdown: refuses queued renders and closes the browser. */
  close(): Promise<void>;
  readonly pool: BrowserPool;
}

// Loading and printing a page of our own takes well under a second; a page holding its slot longer is
// stuck, and its slot is worth more to the next request.
const RENDER_TIMEOUT_MS = 15_000;

/** Only what is inside the document itself: the page starts at about:blank; images and fonts are inlined as data: URLs. */
const isInline = (url: string) => url.startsWith('data:') || url.startsWith('about:');

function blockNetwork(request: HTTPRequest): void {
  // abort/continue reject only when the page went away meanwhile: nothing to do then.
  if (isInline(request.url())) request.continue().catch(() => undefined);
  else request.abort('blockedbyclient').catch(() => undefined);
}

/** Pages already set up (the pool reuses pages): their settings and listener stay with them. */
const prepared = new WeakSet<Page>();

async function printPage(page: Page, html: string): Promise<Buffer> {
  if (!prepared.has(page)) {
    // The report is drawn here (SVG included) and needs no script; with scripts off, text that reached
    // the HTML from user data cannot run even if escaping ever failed.
    await page.setJavaScriptEnabled(false);
    // No network at all: a report must not leak data to, nor wait on, any host.
    await page.setRequestInterception(true);
    page.on('request', blockNetwork);
    prepared.add(page);
  }
  // Replaces the whole document the page held (the previous report, if the page is reused).
  await page.setContent(html, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
  const pdf = await page.pdf({ format: 'A4', printBackground: true, timeout: RENDER_TIMEOUT_MS });
  return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
}

/**
 * One Chromium per process (launched on the first render), at most PDF_MAX_CONCURRENT pages at once.
 * With `metrics`, render times and the queue are reported there (metrics.ts).
 */
export function createPdfRenderer(config: PdfRendererConfig, logger?: Logger, metrics?: MetricsRegistry): PdfRenderer {
  const pool = createBrowserPool({
    executablePath: config.CHROMIUM_PATH,
    maxConcurrent: config.PDF_MAX_CONCURRENT,
    maxQueue: config.PDF_MAX_QUEUE,
    ...(logger ? { logger } : {}),
  });
  const meters = metrics ? pdfMeters(metrics, pool) : undefined;
  return {
    renderPdf: (html) => pool.withPage((page) => (meters ? meters.timed(() => printPage(page, html)) : printPage(page, html))),
    close: () => pool.close(),
    pool,
  };
}
