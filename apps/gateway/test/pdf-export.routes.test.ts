import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { stubError } from '@finance/testing';
import { PDF_DEADLINE_MS } from '../src/routes/pdf-export.routes.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';
import { UNAVAILABLE_DETAIL } from './support/upstream-failures.js';

// GET /export/pdf: the gateway checks the month's form, asks reporting for the PDF and sends its
// bytes as an attachment. What the report holds is reporting's (test/monthly-report.test.ts) and
// the whole stack's (e2e/test/pdf.e2e.test.ts).

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

let userId: string;
let token: string;
beforeEach(async () => {
  gw.reset();
  ({ userId, token } = await gw.caller());
});

// Not a real PDF: the gateway must pass any bytes through unchanged (a 0xFF or a NUL must survive).
const PDF_BYTES = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]), Buffer.from('%%EOF\n', 'latin1')]);

const get = (url: string, t = token) => gw.app.inject({ method: 'GET', url, headers: { ...bearer(t), 'x-request-id': 'pdf-trace-1' } });

describe('GET /export/pdf', () => {
  it("answers reporting's PDF byte for byte as an application/pdf attachment named after the month; year and month reach reporting", async () => {
    gw.reporting.answer('renderMonthlyReport', { pdf: PDF_BYTES });
    const res = await get('/export/pdf?month=2026-11');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename="finance-report-2026-11.pdf"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toBe('pdf-trace-1');
    expect(res.rawPayload.equals(PDF_BYTES)).toBe(true);
    expect(Number(res.headers['content-length'])).toBe(PDF_BYTES.length);

    expect(gw.reporting.calls).toHaveLength(1);
    const call = gw.reporting.calls[0]!;
    expect(call.rpc).toBe('renderMonthlyReport');
    expect(call.request).toEqual({ userId, year: 2026, month: 11 });
    expect(call.requestId).toBe('pdf-trace-1');
    // The route's own deadline (a first render launches Chromium), not the seconds of an ordinary call.
    expect(call.remainingMs).toBeGreaterThan(PDF_DEADLINE_MS - 10_000);
    expect(call.remainingMs).toBeLessThanOrEqual(PDF_DEADLINE_MS);
  });

  it('January and December are months like the others', async () => {
    gw.reporting.answer('renderMonthlyReport', { pdf: PDF_BYTES });
    expect((await get('/export/pdf?month=2026-01')).statusCode).toBe(200);
    expect((await get('/export/pdf?month=0001-12')).statusCode).toBe(200);
    expect(gw.reporting.calls.map((c) => c.request)).toEqual([
      { userId, year: 2026, month: 1 },
      { userId, year: 1, month: 12 },
    ]);
  });

  it.each(['month=2026-13', 'month=26-01', 'month=2026-00', 'month=2026-1', 'month=0000-05', 'month=2026-11-01', 'month=', 'month=2026-1a', 'month=%202026-11', ''])(
    'a malformed or missing month (%p) → 422 naming month, reporting not asked',
    async (query) => {
      const body = expectProblem(await get(`/export/pdf?${query}`), 422, 'VALIDATION_FAILED');
      expect(body.errors).toEqual([{ path: 'month', message: expect.any(String) }]);
      expect(gw.reporting.calls).toHaveLength(0);
    },
  );

  it("a month reporting refuses (after the current one in the user's zone) → its 422 with the field error", async () => {
    gw.reporting.on('renderMonthlyReport', () => {
      throw stubError('invalid_argument', 'REPORTING_INVALID_FIELDS', 'month: must not be after the current month (2026-12 in your time zone)', {
        errors: [{ path: 'month', message: 'must not be after the current month (2026-12 in your time zone)' }],
      });
    });
    const body = expectProblem(await get('/export/pdf?month=2027-01'), 422, 'REPORTING_INVALID_FIELDS');
    expect(body.errors).toEqual([{ path: 'month', message: 'must not be after the current month (2026-12 in your time zone)' }]);
  });

  it('every page of the renderer busy and its queue full → 503 REPORTING_PDF_BUSY with Retry-After', async () => {
    gw.reporting.on('renderMonthlyReport', () => {
      throw stubError('unavailable', 'REPORTING_PDF_BUSY', 'Every PDF renderer is busy (2 rendering, 8 waiting); try again shortly.', { retryAfterSeconds: 4 });
    });
    const res = await get('/export/pdf?month=2026-11');
    const body = expectProblem(res, 503, 'REPORTING_PDF_BUSY');
    expect(res.headers['retry-after']).toBe('4');
    // A 5xx never carries the service's own text.
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
  });

  it('reporting down → 503 REPORTING_UNAVAILABLE, no PDF', async () => {
    gw.reporting.outage = new Error('chromium exploded');
    const res = await get('/export/pdf?month=2026-11');
    const body = expectProblem(res, 503, 'REPORTING_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toContain('chromium');
  });

  it('without a token → 401 problem+json, reporting not asked', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/export/pdf?month=2026-11' });
    expectProblem(res, 401);
    expect(gw.reporting.calls).toHaveLength(0);
  });
});
