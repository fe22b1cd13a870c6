import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { client, signUp, startStack, type Stack } from './support/stack.js';
import { expectProblem } from './support/problems.js';

// GET /export/pdf through the real stack (issue 13 part 3): auth, the ledger, budgeting, goals and
// currency asked by reporting over gRPC, printed by Debian's Chromium, sent by the gateway. The PDF
// is read back with pdfjs-dist as a viewer would: its text holds the month's figures (the same as
// /analytics answers), categories, the previous month, budgets and goals, and nothing of another
// user. Its first page is drawn to /tmp/finance-report-page1.png for a person to look at.

const PAGE_ONE_PNG = '/tmp/finance-report-page1.png';

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack();
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack?.close();
});

async function newUser(prefix: string) {
  const { tokens, account } = await signUp(api, prefix);
  return { token: tokens.access_token, username: account.username };
}

async function created(path: string, json: Record<string, unknown>, token: string) {
  const reply = await api.post(path, json, token);
  if (reply.status !== 201) throw new Error(`POST ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as { id: string };
}

/** The report's bytes (fetch, not the JSON client: a PDF is binary). */
async function pdfOf(month: string, token: string) {
  const res = await fetch(`${stack.baseUrl}/export/pdf?month=${month}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes };
}

async function withDocument<T>(bytes: Uint8Array, use: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const doc = await getDocument({ data: bytes.slice(), useSystemFonts: false }).promise;
  try {
    return await use(doc);
  } finally {
    await doc.destroy();
  }
}

const textOf = (bytes: Uint8Array) =>
  withDocument(bytes, async (doc) => {
    const parts: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      for (const item of (await (await doc.getPage(n)).getTextContent()).items) if ('str' in item) parts.push(item.str);
    }
    return parts.join(' ').replace(/\s+/g, ' ');
  });

/** The canvas pdfjs makes in Node (@napi-rs/canvas, its optional dependency). */
interface NodeCanvasFactory {
  create(width: number, height: number): { canvas: { toBuffer(mime: 'image/png'): Buffer }; context: unknown };
}

/** Page 1 drawn at 1.5× (about 893 × 1263 px for A4) as PNG bytes. */
const firstPagePng = (bytes: Uint8Array) =>
  withDocument(bytes, async (doc) => {
    const page = await doc.getPage(1);
    const viewport = page.getViewport({ scale: 1.5 });
    const { canvas, context } = (doc.canvasFactory as NodeCanvasFactory).create(viewport.width, viewport.height);
    await page.render({ canvasContext: context, canvas, viewport } as never).promise;
    return canvas.toBuffer('image/png');
  });

/** `4543.21` → `4,543.21`, as the report prints amounts. */
const grouped = (decimal: string) => decimal.replace(/^(\d+)/, (int) => int.replace(/\B(?=(\d{3})+(?!\d))/g, ','));

describe('GET /export/pdf', () => {
  let owner: { token: string; username: string };
  let other: { token: string; username: string };

  beforeAll(async () => {
    owner = await newUser('pdf');
    other = await newUser('pdfother');
    const food = await created('/categories', { name: 'Food & Drinks', color: '#AA5500' }, owner.token);
    const rent = await created('/categories', { name: 'Rent', color: '#3366AA' }, owner.token);
    const travel = await created('/categories', { name: 'Travel 🚆', color: '#22AA66' }, owner.token);
    const rows: Record<string, unknown>[] = [
      // February: the previous month.
      { amount: '3000', transaction_type: 'income', date: '2026-02-10', description: 'Salary February' },
      { amount: '200', transaction_type: 'expense', date: '2026-02-12', description: 'Groceries February', category_id: food.id },
      // March, in two currencies.
      { amount: '4000', transaction_type: 'income', date: '2026-03-02', description: 'Salary March' },
      { amount: '500', currency: 'EUR', transaction_type: 'income', date: '2026-03-10', description: 'Freelance (EUR)' },
      { amount: '120.50', transaction_type: 'expense', date: '2026-03-05', description: 'Weekly <shop> & "more"', category_id: food.id },
      { amount: '900', transaction_type: 'expense', date: '2026-03-01', description: 'March rent', category_id: rent.id },
      { amount: '8000', currency: 'JPY', transaction_type: 'expense', date: '2026-03-09', description: 'Shinkansen ticket', category_id: travel.id },
      // April: not in the report.
      { amount: '777', transaction_type: 'expense', date: '2026-04-01', description: 'April rent', category_id: rent.id },
    ];
    for (const row of rows) await created('/transactions', row, owner.token);
    await created('/budgets', { name: 'Food budget', amount: '100.00', period: 'monthly', start_date: '2026-01-01', category_id: food.id }, owner.token);
    await created('/goals', { name: 'Holiday fund', target_amount: '2000.00', current_amount: '500.00' }, owner.token);

    // Another user's data in the same month: none of it may reach the owner's report.
    const secret = await created('/categories', { name: 'Secret category', color: '#000000' }, other.token);
    await created('/transactions', { amount: '9999', transaction_type: 'expense', date: '2026-03-15', description: 'Secret purchase', category_id: secret.id }, other.token);
    await created('/transactions', { amount: '55555', transaction_type: 'income', date: '2026-03-15', description: 'Secret income' }, other.token);
    await created('/budgets', { name: 'Secret budget', amount: '10.00', period: 'monthly', start_date: '2026-01-01' }, other.token);
    await created('/goals', { name: 'Secret goal', target_amount: '10.00' }, other.token);
  });

  test('the month in the base currency: totals as /analytics answers them, categories, the previous month, budgets, goals, largest expenses; nothing of another user', async () => {
    const { status, headers, bytes } = await pdfOf('2026-03', owner.token);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/pdf');
    expect(headers.get('content-disposition')).toBe('attachment; filename="finance-report-2026-03.pdf"');
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');

    const text = await textOf(bytes);
    // The same totals the analytics endpoint computes (EUR income and JPY expense at the ECB rates of their dates).
    const ive = await api.get('/analytics/income-vs-expense?from=2026-02-01&to=2026-03-31&interval=month', owner.token);
    expect(ive.status).toBe(200);
    const [february, march] = ive.body.items as { income: string; expense: string; net: string }[];
    expect(march!.income).not.toBe('4000.00'); // the EUR income counts, converted
    expect(text).toContain(`${grouped(march!.income)} USD`);
    expect(text).toContain(`${grouped(march!.expense)} USD`);
    expect(text).toContain(`February 2026: ${grouped(february!.income)} USD`);
    expect(text).toContain(`February 2026: ${grouped(february!.expense)} USD`);
    expect(text).toContain('March 2026');

    // Categories by name (escaping in the HTML keeps them as typed), and their amounts.
    const spending = await api.get('/analytics/spending?from=2026-03-01&to=2026-03-31', owner.token);
    for (const item of spending.body.items as { category_name: string; total: string }[]) {
      expect(text).toContain(item.category_name.replace(' 🚆', ''));
      expect(text).toContain(`${grouped(item.total)} USD`);
    }
    expect(text).toContain('Food & Drinks');
    expect(text).toContain('Rent');
    // Budget and goal names, with their status.
    expect(text).toContain('Food budget');
    expect(text).toContain('Over');
    expect(text).toContain('Holiday fund');
    expect(text).toContain('25.00 %');
    // The largest expenses, the JPY one with its own amount beside.
    expect(text).toContain('Weekly <shop> & "more"');
    expect(text).toContain('Shinkansen ticket');
    expect(text).toContain('8,000 JPY');
    expect(text).not.toContain('April rent');
    expect(text).not.toContain('Salary');
    // The user and the period.
    expect(text).toContain(owner.username);
    expect(text).toContain('1 Mar 2026 – 31 Mar 2026');

    // Another user's data is nowhere.
    for (const secret of ['Secret', '9,999', '55,555', other.username]) expect(text).not.toContain(secret);

    // The first page as a picture, for a person to look at.
    const png = await firstPagePng(bytes);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    writeFileSync(PAGE_ONE_PNG, png);
  });

  test("the other user's own report holds only their data", async () => {
    const text = await textOf((await pdfOf('2026-03', other.token)).bytes);
    expect(text).toContain('Secret category');
    expect(text).toContain('55,555.00 USD');
    for (const mine of ['Food & Drinks', 'Holiday fund', 'Shinkansen', owner.username]) expect(text).not.toContain(mine);
  });

  test.each(['month=2026-13', 'month=26-01', ''])('a malformed or missing month (%p) → 422 problem+json', async (query) => {
    const reply = await api.get(`/export/pdf?${query}`, owner.token);
    const body = expectProblem(reply, 422);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'month', message: expect.any(String) }]);
  });

  test('a month after the current one → 422 from reporting; a month before any data → a report of zeros', async () => {
    const later = new Date();
    later.setUTCDate(1);
    later.setUTCMonth(later.getUTCMonth() + 2);
    const month = later.toISOString().slice(0, 7);
    const body = expectProblem(await api.get(`/export/pdf?month=${month}`, owner.token), 422);
    expect(body.code).toBe('REPORTING_INVALID_FIELDS');
    expect(body.errors).toEqual([{ path: 'month', message: expect.stringContaining('must not be after the current month') }]);

    const early = await pdfOf('2019-06', owner.token);
    expect(early.status).toBe(200);
    const text = await textOf(early.bytes);
    expect(text).toContain('June 2019');
    expect(text).toContain('May 2019: 0.00 USD');
    expect(text).toContain('No expenses this month');
  });

  test('without a token → 401', async () => {
    expectProblem(await api.get('/export/pdf?month=2026-03'), 401);
  });
});
