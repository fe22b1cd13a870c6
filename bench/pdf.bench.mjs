// P6: GET /export/pdf?month=YYYY-MM, warm, through the gateway (gateway → reporting → auth, ledger,
// budgeting, goals, currency over gRPC → PostgreSQL; then reporting's shared Chromium prints it),
// one request at a time: p50/p95 over BENCH_PDF_REQUESTS (default 30) after 3 warm-ups (the first
// launches Chromium). Side by side in the same run, the bare baseline: the same Chromium, driven by
// the same renderer code (apps/reporting/dist/pdf), printing a minimal HTML page to PDF. The ratio
// of the two p50s is what the report's data and layout cost on top of printing anything at all.
//
// The user has BENCH_ROWS (default 100,000) transactions over ten years (about 830 a month, one in
// ten in EUR, GBP or JPY, so the month's sums and its largest expenses convert), a budget and a goal.
import { createPdfRenderer } from '../apps/reporting/dist/pdf/render-pdf.js';
import { seedTransactions, signUp, startStack } from './lib/stack.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const REQUESTS = Math.max(20, Number(process.env.BENCH_PDF_REQUESTS ?? 30));
const WARMUPS = 3;
// A whole month inside the seeded ten years (2016-01-01 … 2025-12-29).
const MONTH = '2025-11';
const TARGET_P50_MS = 1000;

const MINIMAL_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body><p>Hello, PDF.</p></body></html>';

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Runs `once` WARMUPS times unmeasured, then `REQUESTS` times one after the other; latencies in ms. */
async function measure(name, once) {
  for (let i = 0; i < WARMUPS; i++) await once();
  const latencies = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = process.hrtime.bigint();
    bytes = await once();
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 10) / 10;
  return { name, requests: REQUESTS, 'p50 ms': round(percentile(latencies, 0.5)), 'p95 ms': round(percentile(latencies, 0.95)), 'max ms': round(latencies.at(-1)), 'pdf bytes': bytes };
}

export async function run() {
  const stack = await startStack();
  const renderer = createPdfRenderer({ CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', PDF_MAX_CONCURRENT: 1, PDF_MAX_QUEUE: 0 });
  try {
    const { token, userId } = await signUp(stack.baseUrl, 'p6user');
    const { seconds, categories } = await seedTransactions({ baseUrl: stack.baseUrl, databaseUrl: stack.databaseUrl, token, userId, rows: ROWS, foreignCurrencies: ['EUR', 'GBP', 'JPY'] });
    console.log(`seeded ${ROWS.toLocaleString()} transactions in ${seconds.toFixed(1)} s (one in ten in EUR, GBP or JPY)`);
    const post = async (path, body) => {
      const res = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    };
    await post('/budgets', { name: 'Groceries budget', amount: '500.00', period: 'monthly', start_date: '2016-01-01', category_id: categories[0] });
    await post('/goals', { name: 'Emergency fund', target_amount: '10000.00', current_amount: '2500.00' });

    const url = `${stack.baseUrl}/export/pdf?month=${MONTH}`;
    const headers = { authorization: `Bearer ${token}` };
    const coldStart = performance.now();
    const cold = await fetch(url, { headers });
    const coldBody = new Uint8Array(await cold.arrayBuffer());
    if (cold.status !== 200 || cold.headers.get('content-type') !== 'application/pdf') throw new Error(`export/pdf: ${cold.status} ${Buffer.from(coldBody).toString('utf8').slice(0, 300)}`);
    console.log(`first report (launches Chromium in reporting): ${Math.round(performance.now() - coldStart)} ms, ${coldBody.length.toLocaleString()} bytes`);

    const api = await measure(`GET /export/pdf?month=${MONTH}`, async () => {
      const res = await fetch(url, { headers });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`export/pdf: ${res.status}`);
      return body.byteLength;
    });
    const bare = await measure('bare: same Chromium, minimal HTML → PDF', async () => (await renderer.renderPdf(MINIMAL_HTML)).length);
    console.table([api, bare]);
    const ratio = api['p50 ms'] / bare['p50 ms'];
    console.log(`P6 p50 ${api['p50 ms']} ms (target ≤ ${TARGET_P50_MS} ms: ${api['p50 ms'] <= TARGET_P50_MS ? 'met' : 'NOT met'}); ${ratio.toFixed(2)}× the bare print`);
    return { api, bare, ratio };
  } finally {
    await renderer.close();
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
