// Reporting's own metrics (the gRPC ones come from platform): rows through imports and exports, and
// the PDF renderer's render time and queue. Registered in the service's registry (index.ts).
import { counterOf, gaugeOf, histogramOf, secondsSince, type MetricsRegistry } from '@finance/platform';
import type { ImportRowOutcome, ReportingMeters } from './application/context.js';
import type { BrowserPool } from './pdf/browser-pool.js';

export function reportingMeters(registry: MetricsRegistry): ReportingMeters {
  const imported = counterOf(registry, {
    name: 'finance_import_rows_total',
    help: 'CSV import rows (not dry runs, not replays) by outcome: imported, duplicate (skipped, already stored), refused (in a file refused as a whole).',
    labelNames: ['outcome'],
  });
  const byOutcome: Record<ImportRowOutcome, ReturnType<typeof imported.labels>> = {
    imported: imported.labels({ outcome: 'imported' }),
    duplicate: imported.labels({ outcome: 'duplicate' }),
    refused: imported.labels({ outcome: 'refused' }),
  };
  const exported = counterOf(registry, { name: 'finance_export_rows_total', help: 'Transactions written into CSV exports.' });
  return {
    importRows: (outcome, rows) => {
      if (rows > 0) byOutcome[outcome].inc(rows);
    },
    exportRows: (rows) => {
      if (rows > 0) exported.inc(rows);
    },
  };
}

/**
 * finance_pdf_render_seconds (a page's load and print, without the wait for a page: that is the
 * queue's) and finance_pdf_queue_depth / finance_pdf_renders_active, read from the pool at scrape time.
 */
export function pdfMeters(registry: MetricsRegistry, pool: BrowserPool): { timed<T>(render: () => Promise<T>): Promise<T> } {
  const seconds = histogramOf(registry, {
    name: 'finance_pdf_render_seconds',
    help: 'Time a monthly report PDF took to load and print in Chromium (queue wait excluded), by outcome (ok, failed).',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15],
  });
  const ok = seconds.labels({ outcome: 'ok' });
  const failed = seconds.labels({ outcome: 'failed' });
  gaugeOf(registry, {
    name: 'finance_pdf_queue_depth',
    help: 'PDF renders waiting for a Chromium page (at most PDF_MAX_QUEUE; beyond, REPORTING_PDF_BUSY).',
    collect() {
      this.set(pool.load().queued);
    },
  });
  gaugeOf(registry, {
    name: 'finance_pdf_renders_active',
    help: 'PDF renders holding a Chromium page now (at most PDF_MAX_CONCURRENT).',
    collect() {
      this.set(pool.load().active);
    },
  });
  return {
    async timed(render) {
      const startedAt = performance.now();
      try {
        const result = await render();
        ok.observe(secondsSince(startedAt));
        return result;
      } catch (err) {
        failed.observe(secondsSince(startedAt));
        throw err;
      }
    },
  };
}
