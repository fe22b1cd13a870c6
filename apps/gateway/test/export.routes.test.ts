import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportingV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { EXPORT_DEADLINE_MS } from '../src/routes/export.routes.js';
import { protoDate } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';
import { UNAVAILABLE_DETAIL } from './support/upstream-failures.js';

// GET /export/csv: the gateway checks the range, names the file and streams reporting's chunks to
// the socket as they come. What the CSV holds (and whose rows) is reporting's business, tested
// there and end to end (e2e/test/export.e2e.test.ts).

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

const HEADER = 'id,date,transaction_type,amount,currency,category,description\r\n';
const ROW_1 = '6f1c2a4e-0000-4000-8000-000000000001,2026-03-01,expense,4.50,USD,Food,"Coffee, large"\r\n';
const ROW_2 = '6f1c2a4e-0000-4000-8000-000000000002,2026-03-02,income,1000,JPY,,\'=1+1\r\n';

const chunk = (text: string): reportingV1.ExportTransactionsCsvResponse => ({ data: Buffer.from(text, 'utf8') });
const get = (url: string, t = token) => gw.app.inject({ method: 'GET', url, headers: { ...bearer(t), 'x-request-id': 'export-trace-1' } });
const today = () => new Date().toISOString().slice(0, 10);

describe('GET /export/csv', () => {
  it('streams the chunks as they come, byte for byte, as a text/csv attachment named after the range; from and to reach reporting', async () => {
    gw.reporting.on('exportTransactionsCsv', async function* () {
      yield chunk(HEADER);
      yield chunk(ROW_1);
      // Multi-byte characters split across chunks must survive: the gateway passes bytes, never decodes.
      const emoji = Buffer.from('6f1c2a4e-0000-4000-8000-000000000003,2026-03-03,expense,1.00,EUR,Fun,café 🎉\r\n', 'utf8');
      const cut = emoji.indexOf(Buffer.from('🎉', 'utf8')) + 2;
      yield { data: emoji.subarray(0, cut) };
      yield { data: emoji.subarray(cut) };
      yield chunk(ROW_2);
    });
    const res = await get('/export/csv?from=2026-03-01&to=2026-03-31');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="transactions-2026-03-01-2026-03-31.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toBe('export-trace-1');
    // Streamed: no length known up front.
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.body).toBe(`${HEADER}${ROW_1}6f1c2a4e-0000-4000-8000-000000000003,2026-03-03,expense,1.00,EUR,Fun,café 🎉\r\n${ROW_2}`);

    expect(gw.reporting.calls).toHaveLength(1);
    const call = gw.reporting.calls[0]!;
    expect(call.rpc).toBe('exportTransactionsCsv');
    expect(call.request).toEqual({ userId, from: protoDate('2026-03-01'), to: protoDate('2026-03-31') });
    expect(call.requestId).toBe('export-trace-1');
    // The whole stream's deadline, not the seconds of one answer.
    expect(call.remainingMs).toBeGreaterThan(EXPORT_DEADLINE_MS - 60_000);
    expect(call.remainingMs).toBeLessThanOrEqual(EXPORT_DEADLINE_MS);
  });

  it('without from and to: an unbounded range, the file named transactions-all-<today>.csv', async () => {
    gw.reporting.answer('exportTransactionsCsv', [chunk(HEADER)]);
    const res = await get('/export/csv');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(HEADER);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="transactions-all-${today()}.csv"`);
    const request = gw.reporting.calls[0]!.request as reportingV1.ExportTransactionsCsvRequest;
    expect(request.userId).toBe(userId);
    expect(request.from).toBeUndefined();
    expect(request.to).toBeUndefined();
  });

  it('only one end given: the other is open (all, or today in the name)', async () => {
    gw.reporting.answer('exportTransactionsCsv', [chunk(HEADER)]);
    const since = await get('/export/csv?from=2026-01-01');
    expect(since.headers['content-disposition']).toBe(`attachment; filename="transactions-2026-01-01-${today()}.csv"`);
    const until = await get('/export/csv?to=2025-12-31');
    expect(until.headers['content-disposition']).toBe('attachment; filename="transactions-all-2025-12-31.csv"');
    expect(gw.reporting.calls.map((c) => c.request)).toEqual([
      { userId, from: protoDate('2026-01-01') },
      { userId, to: protoDate('2025-12-31') },
    ]);
  });

  it('from = to is one day, not an error', async () => {
    gw.reporting.answer('exportTransactionsCsv', [chunk(HEADER)]);
    const res = await get('/export/csv?from=2026-03-01&to=2026-03-01');
    expect(res.statusCode).toBe(200);
  });

  it('from after to → 422 naming from, without asking reporting', async () => {
    const body = expectProblem(await get('/export/csv?from=2026-03-02&to=2026-03-01'), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'from', message: 'must not be after `to`' }]);
    expect(gw.reporting.calls).toHaveLength(0);
  });

  it.each(['from=2026-13-01', 'to=26-01-01', 'from=2026-02-30', 'to=0000-01-01', 'from='])('a malformed date (%s) → 422 without asking reporting', async (query) => {
    const res = await get(`/export/csv?${query}`);
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(gw.reporting.calls).toHaveLength(0);
  });

  it('without a token → 401 problem+json, no-store, reporting not asked', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/export/csv' });
    expectProblem(res, 401);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(gw.reporting.calls).toHaveLength(0);
  });

  it('reporting failing before the first chunk → 503 problem+json with its code and a generic detail, never its text', async () => {
    gw.reporting.on('exportTransactionsCsv', async function* () {
      throw stubError('unavailable', 'LEDGER_UNAVAILABLE', 'connect ECONNREFUSED 10.9.8.7:5432');
    });
    const res = await get('/export/csv');
    const body = expectProblem(res, 503, 'LEDGER_UNAVAILABLE');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toContain('10.9.8.7');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('a fault of reporting before the first chunk → 503 REPORTING_UNAVAILABLE', async () => {
    gw.reporting.outage = new Error('relation "secret_table" does not exist');
    const res = await get('/export/csv');
    const body = expectProblem(res, 503, 'REPORTING_UNAVAILABLE');
    expect(res.body).not.toContain('secret_table');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
  });

  it('reporting’s own verdict before the first chunk (422 with its field errors) is passed on', async () => {
    gw.reporting.on('exportTransactionsCsv', async function* () {
      throw stubError('invalid_argument', 'VALIDATION_FAILED', 'from: must not be after `to`', { errors: [{ path: 'from', message: 'must not be after `to`' }] });
    });
    const body = expectProblem(await get('/export/csv?from=2026-01-01'), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'from', message: 'must not be after `to`' }]);
  });

  it('a stream that ends without any chunk is a broken contract → 500, not an empty file', async () => {
    gw.reporting.answer('exportTransactionsCsv', []);
    expectProblem(await get('/export/csv'), 500, 'INTERNAL_ERROR');
  });

  it('a failure after the first chunk aborts the response: never a clean-looking partial file', async () => {
    gw.reporting.on('exportTransactionsCsv', async function* () {
      yield chunk(HEADER);
      yield chunk(ROW_1);
      throw stubError('unavailable', 'LEDGER_UNAVAILABLE', 'the ledger went away');
    });
    // The status and headers are already sent; the response is destroyed, so inject fails instead of
    // resolving with a 200 and a body that looks complete.
    await expect(get('/export/csv')).rejects.toThrow('response destroyed before completion');
    // The gateway still serves (the failure ended only that response).
    gw.reporting.answer('exportTransactionsCsv', [chunk(HEADER)]);
    expect((await get('/export/csv')).statusCode).toBe(200);
  });

  it('back-pressure: a client that stops reading stops reporting’s stream; one that goes away cancels it', async () => {
    // Over a real socket (inject buffers everything): reporting could send forever, 64 KiB at a time.
    const local = await startTestGateway();
    try {
      const KIB_64 = 'x'.repeat(64 * 1024 - 2) + '\r\n';
      let sent = 0;
      let cancelled = false;
      local.reporting.on('exportTransactionsCsv', async function* () {
        try {
          yield chunk(HEADER);
          for (;;) {
            sent++;
            yield chunk(KIB_64);
          }
        } finally {
          cancelled = true;
        }
      });
      await local.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = local.app.server.address() as AddressInfo;
      const { token: localToken } = await local.caller();
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/export/csv', headers: bearer(localToken) }, resolve);
        req.on('error', reject);
        req.end();
      });
      expect(res.statusCode).toBe(200);
      // Read nothing: the socket, HTTP/2 and stream buffers fill up, then the stub is held back.
      res.pause();
      const settled = async () => {
        let before = -1;
        while (before !== sent) {
          before = sent;
          await new Promise((r) => setTimeout(r, 300));
        }
        return sent;
      };
      const held = await settled();
      // Bounded by buffers (a few MiB on loopback), not by what reporting could send (unbounded).
      expect(held * 64 * 1024).toBeLessThan(64 * 1024 * 1024);
      expect(cancelled).toBe(false);
      // Reading again resumes the stream.
      res.resume();
      const start = sent;
      await new Promise((r) => setTimeout(r, 300));
      expect(sent).toBeGreaterThan(start);
      // Going away ends reporting's stream (the gRPC call is cancelled), well before its deadline.
      res.destroy();
      const deadline = Date.now() + 5000;
      while (!cancelled && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(cancelled).toBe(true);
    } finally {
      await local.close();
    }
  });
});
