import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { reportingV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { IMPORT_DEADLINE_MS } from '../src/routes/import.routes.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';
import { UNAVAILABLE_DETAIL } from './support/upstream-failures.js';

// POST /import/csv: the gateway takes the upload (multipart `file` or a text/csv body), bounds its
// size, checks dry_run and Idempotency-Key, hands the bytes to reporting unchanged and renders its
// answer. What the file holds and what gets imported is reporting's and the ledger's, tested there
// and end to end (e2e/test/import.e2e.test.ts).

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

// A BOM, CRLF, a quoted cell over two lines and emoji: the bytes must reach reporting untouched.
const FILE = Buffer.from('\uFEFFdate,transaction_type,amount,description\r\n2026-03-01,expense,4.50,"two\nlines ☕"\r\n2026-03-02,income,1000,🎉\r\n', 'utf8');

const BOUNDARY = '----finance-import-boundary';
interface Part {
  name: string;
  /** Present = a file part. */
  filename?: string;
  type?: string;
  data: Buffer | string;
}
/** A multipart/form-data body of these parts, as a browser or curl -F sends it. */
function multipart(parts: Part[]) {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

const csvPart = (data: Buffer | string = FILE): Part => ({ name: 'file', filename: 'transactions.csv', type: 'text/csv', data });

function post(payload: Buffer | string | undefined, contentType: string | undefined, options: { url?: string; headers?: Record<string, string>; token?: string; app?: TestGateway } = {}) {
  const headers: Record<string, string> = { ...bearer(options.token ?? token), 'x-request-id': 'import-trace-1', ...options.headers };
  if (contentType !== undefined) headers['content-type'] = contentType;
  return (options.app ?? gw).app.inject({ method: 'POST', url: options.url ?? '/import/csv', headers, ...(payload === undefined ? {} : { payload }) });
}

const postMultipart = (parts: Part[], options: Parameters<typeof post>[2] = {}) => {
  const { payload, contentType } = multipart(parts);
  return post(payload, contentType, options);
};

const answered = (answer: Partial<reportingV1.ImportTransactionsCsvResponse> = {}) =>
  gw.reporting.answer('importTransactionsCsv', { imported: '0', skippedDuplicates: '0', errors: [], replayed: false, ...answer });

const importCalls = () => gw.reporting.callsOf('importTransactionsCsv');

describe('POST /import/csv: the upload reaches reporting', () => {
  it('multipart/form-data, field `file`: the exact bytes, the caller, no dry run, no key; 201 with the counts', async () => {
    answered({ imported: '2', skippedDuplicates: '1' });
    const res = await postMultipart([{ name: 'note', data: 'a form field is read past' }, csvPart()]);
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.json()).toEqual({ imported: 2, skipped_duplicates: 1, errors: [] });

    expect(importCalls()).toHaveLength(1);
    const call = importCalls()[0]!;
    expect(Buffer.from(call.request.data).equals(FILE)).toBe(true);
    expect(call.request).toMatchObject({ userId, dryRun: false });
    expect(call.request.idempotencyKey).toBeUndefined();
    expect(call.requestId).toBe('import-trace-1');
    // The import's own deadline (100,000 rows written in one transaction), not GRPC_DEADLINE_MS.
    expect(call.remainingMs).toBeGreaterThan(IMPORT_DEADLINE_MS - 60_000);
    expect(call.remainingMs).toBeLessThanOrEqual(IMPORT_DEADLINE_MS);
  });

  it('a text/csv body (any charset parameter), ?dry_run=true and an Idempotency-Key are passed on; a replay says Idempotent-Replayed', async () => {
    answered({ imported: '2', skippedDuplicates: '0', replayed: true });
    const res = await post(FILE, 'text/csv; charset=utf-8', { url: '/import/csv?dry_run=true', headers: { 'idempotency-key': 'import-2026-03' } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBe('true');
    expect(res.json()).toEqual({ imported: 2, skipped_duplicates: 0, errors: [] });
    const call = importCalls()[0]!;
    expect(Buffer.from(call.request.data).equals(FILE)).toBe(true);
    expect(call.request).toMatchObject({ userId, dryRun: true, idempotencyKey: 'import-2026-03' });
  });

  it('?dry_run=false is a real import', async () => {
    answered();
    expect((await post(FILE, 'text/csv', { url: '/import/csv?dry_run=false' })).statusCode).toBe(201);
    expect(importCalls()[0]!.request.dryRun).toBe(false);
  });

  it('an empty text/csv body reaches reporting as an empty file (reporting refuses it as such)', async () => {
    answered({ errors: [{ line: '1', message: 'The file is empty: expected a header line' }] });
    const res = await post('', 'text/csv');
    const body = expectProblem(res, 422, 'IMPORT_FILE_INVALID');
    expect(body.errors).toEqual([{ line: 1, message: 'The file is empty: expected a header line' }]);
    expect(importCalls()[0]!.request.data).toHaveLength(0);
  });
});

describe('POST /import/csv: reporting’s verdicts', () => {
  it('a refused file → 422 problem+json with errors [{line, message}], lines as numbers', async () => {
    answered({
      errors: [
        { line: '3', message: 'date: must be a real calendar date (YYYY-MM-DD)' },
        { line: '4', message: 'amount: USD allows at most 2 decimal places' },
      ],
    });
    const res = await postMultipart([csvPart()]);
    const body = expectProblem(res, 422, 'IMPORT_FILE_INVALID');
    expect(body.detail).toBe('The file has invalid records (see `errors`, by line); nothing was imported.');
    expect(body.errors).toEqual([
      { line: 3, message: 'date: must be a real calendar date (YYYY-MM-DD)' },
      { line: 4, message: 'amount: USD allows at most 2 decimal places' },
    ]);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('more records than reporting’s IMPORT_MAX_ROWS → 413 (the file is too large), not resource_exhausted’s 429', async () => {
    const message = 'The file holds 100001 records; at most 100000 are imported at once: split it into smaller files.';
    gw.reporting.fail('importTransactionsCsv', stubError('resource_exhausted', 'REPORTING_IMPORT_TOO_MANY_ROWS', message));
    const body = expectProblem(await post(FILE, 'text/csv'), 413, 'REPORTING_IMPORT_TOO_MANY_ROWS');
    expect(body.detail).toBe(message);
  });

  it('the Idempotency-Key used with another file → 422 naming Idempotency-Key, as for POST /transactions', async () => {
    gw.reporting.fail(
      'importTransactionsCsv',
      stubError('invalid_argument', 'LEDGER_IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key: was already used', {
        errors: [{ path: 'Idempotency-Key', message: 'was already used with a different request; use a new key for a new request' }],
      }),
    );
    const body = expectProblem(await post(FILE, 'text/csv', { headers: { 'idempotency-key': 'k1' } }), 422, 'LEDGER_IDEMPOTENCY_KEY_REUSED');
    expect(body.errors).toEqual([{ path: 'Idempotency-Key', message: 'was already used with a different request; use a new key for a new request' }]);
  });

  it('the same key still being processed → 409', async () => {
    gw.reporting.fail('importTransactionsCsv', stubError('already_exists', 'LEDGER_IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly.'));
    expectProblem(await post(FILE, 'text/csv', { headers: { 'idempotency-key': 'k1' } }), 409, 'LEDGER_IDEMPOTENCY_IN_PROGRESS');
  });

  it('reporting unavailable → 503 with a generic detail', async () => {
    gw.reporting.fail('importTransactionsCsv', stubError('unavailable', 'LEDGER_UNAVAILABLE', 'connect ECONNREFUSED 10.0.0.1:50052'));
    const body = expectProblem(await post(FILE, 'text/csv'), 503, 'LEDGER_UNAVAILABLE');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
  });
});

describe('POST /import/csv: refused before reporting is asked', () => {
  it('without a token → 401, before the media type is judged', async () => {
    const res = await post('{}', 'application/json', { headers: { authorization: '' } });
    expectProblem(res, 401);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['application/json', '{"file":"x"}'],
    ['text/plain', 'date,transaction_type,amount\n'],
    ['application/x-www-form-urlencoded', 'file=x'],
    ['application/octet-stream', 'date,transaction_type,amount\n'],
  ])('%s → 415 naming the accepted media types', async (type, payload) => {
    const body = expectProblem(await post(payload, type), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(body.detail).toBe('This endpoint accepts multipart/form-data or text/csv request bodies.');
    expect(importCalls()).toEqual([]);
  });

  it('no body and no Content-Type → 415', async () => {
    expectProblem(await post(undefined, undefined), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(importCalls()).toEqual([]);
  });

  it.each(['yes', '1', 'TRUE', ''])('dry_run=%p → 422 naming dry_run', async (value) => {
    const body = expectProblem(await post(FILE, 'text/csv', { url: `/import/csv?dry_run=${value}` }), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'dry_run', message: expect.any(String) }]);
    expect(importCalls()).toEqual([]);
  });

  it.each([['x'.repeat(256)], ['clé']])('Idempotency-Key %p → 422 naming Idempotency-Key', async (key) => {
    const body = expectProblem(await post(FILE, 'text/csv', { headers: { 'idempotency-key': key } }), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }]);
    expect(importCalls()).toEqual([]);
  });

  it('a multipart body without a `file` field → 422 naming file', async () => {
    const body = expectProblem(await postMultipart([{ name: 'note', data: 'no file here' }]), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'file', message: 'is required: send the CSV file as the multipart/form-data file part named "file"' }]);
    expect(importCalls()).toEqual([]);
  });

  it('a file part under another name → 422 naming file', async () => {
    const body = expectProblem(await postMultipart([{ ...csvPart(), name: 'upload' }]), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'file', message: expect.stringMatching(/^is required/) }]);
    expect(importCalls()).toEqual([]);
  });

  it('a text field named file (not a file part) → 422 naming file', async () => {
    const body = expectProblem(await postMultipart([{ name: 'file', data: 'date,transaction_type,amount' }]), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'file', message: expect.stringMatching(/^is required/) }]);
  });

  it('an empty multipart body → 422 naming file', async () => {
    const body = expectProblem(await post(Buffer.alloc(0), `multipart/form-data; boundary=${BOUNDARY}`), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'file', message: expect.stringMatching(/^is required/) }]);
  });

  it('two files → 422: one file per import', async () => {
    const body = expectProblem(await postMultipart([csvPart(), csvPart()]), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'file', message: 'send one file only' }]);
    expect(importCalls()).toEqual([]);
  });

  it.each([
    ['no boundary', 'multipart/form-data', multipart([csvPart()]).payload],
    ['cut short', `multipart/form-data; boundary=${BOUNDARY}`, multipart([csvPart()]).payload.subarray(0, 120)],
  ])('a malformed multipart body (%s) → 400', async (_name, type, payload) => {
    expectProblem(await post(payload, type), 400, 'MALFORMED_MULTIPART');
    expect(importCalls()).toEqual([]);
  });
});

describe('POST /import/csv: IMPORT_MAX_BYTES', () => {
  const MAX = 1024;
  let small: TestGateway;
  let smallToken: string;
  beforeAll(async () => {
    small = await startTestGateway({ IMPORT_MAX_BYTES: String(MAX) });
  });
  afterAll(async () => {
    await small?.close();
  });
  beforeEach(async () => {
    small.reset();
    ({ token: smallToken } = await small.caller());
  });

  const fileOf = (bytes: number) => Buffer.from(`date,transaction_type,amount\r\n${'2026-03-01,expense,1\r\n'.repeat(60)}`.slice(0, bytes), 'utf8');
  const TOO_LARGE = `The file is larger than ${MAX} bytes, the most one import takes: split it into smaller files.`;

  it('defaults to 10 MiB', async () => {
    const { loadGatewayConfig } = await import('../src/config.js');
    expect(loadGatewayConfig({}).IMPORT_MAX_BYTES).toBe(10 * 1024 * 1024);
  });

  it('a file of exactly the limit is taken, as text/csv and as multipart', async () => {
    small.reporting.answer('importTransactionsCsv', { imported: '1', skippedDuplicates: '0', errors: [], replayed: false });
    expect((await post(fileOf(MAX), 'text/csv', { app: small, token: smallToken })).statusCode).toBe(201);
    expect((await postMultipart([csvPart(fileOf(MAX))], { app: small, token: smallToken })).statusCode).toBe(201);
    expect(small.reporting.callsOf('importTransactionsCsv').map((c) => c.request.data.length)).toEqual([MAX, MAX]);
  });

  it('one byte more → 413 problem+json, as text/csv and as multipart; reporting not asked', async () => {
    const csv = expectProblem(await post(fileOf(MAX + 1), 'text/csv', { app: small, token: smallToken }), 413, 'IMPORT_FILE_TOO_LARGE');
    expect(csv.detail).toBe(TOO_LARGE);
    const form = expectProblem(await postMultipart([csvPart(fileOf(MAX + 1))], { app: small, token: smallToken }), 413, 'IMPORT_FILE_TOO_LARGE');
    expect(form.detail).toBe(TOO_LARGE);
    expect(small.reporting.calls).toEqual([]);
  });

  it('a multipart body far beyond the limit → 413 from its declared length alone, before any of it is parsed', async () => {
    // Not even multipart: parsed, it would be a 400.
    const payload = Buffer.alloc(MAX + 65 * 1024, 'a');
    expectProblem(await post(payload, `multipart/form-data; boundary=${BOUNDARY}`, { app: small, token: smallToken }), 413, 'IMPORT_FILE_TOO_LARGE');
    expect(small.reporting.calls).toEqual([]);
  });

  it('too many multipart parts → 413', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
    expectProblem(await postMultipart(parts, { app: small, token: smallToken }), 413, 'MULTIPART_TOO_MANY_PARTS');
    expect(small.reporting.calls).toEqual([]);
  });

  it('other routes still take JSON only, with their 1 MiB limit (the import’s parsers are its own)', async () => {
    const res = await small.app.inject({ method: 'POST', url: '/transactions', headers: { ...bearer(smallToken), 'content-type': 'text/csv' }, payload: 'a,b' });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const form = multipart([csvPart()]);
    expectProblem(await small.app.inject({ method: 'POST', url: '/transactions', headers: { ...bearer(smallToken), 'content-type': form.contentType }, payload: form.payload }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});
