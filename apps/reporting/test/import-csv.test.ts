import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ledgerV1, type reportingV1 } from '@finance/proto';
import { IMPORT_MAX_LISTED_ERRORS, IMPORT_MESSAGE_ROWS } from '../src/application/import.js';
import { reportingConfigSchema } from '../src/index.js';
import { allCalls, date, rejected, startReportingHarness, stubError, type ReportingHarness } from './helpers.js';

// ImportTransactionsCsv against a scripted ledger stub: what reaches the ledger (one
// ImportTransactions stream with the rows exactly as the file means them), what a bad file answers
// (every problem by line; the ledger never asked, or its stream abandoned), the row limit, and the ledger's verdicts mapped
// back to lines. The file format itself is import-rows.test.ts's; the ledger's writing and
// duplicate counting are the ledger's tests'; the whole path is e2e/test/import.e2e.test.ts.

let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
});

beforeEach(() => h.reset());

afterEach(() => {
  expect(h.unscripted()).toEqual([]);
});

afterAll(async () => {
  await h?.close();
});

const { TransactionType } = ledgerV1;
const CRLF = (...lines: string[]) => lines.join('\r\n') + '\r\n';
const bytes = (text: string) => Buffer.from(text, 'utf8');

const ledgerAnswers = (answer: Partial<ledgerV1.ImportTransactionsResponse> = {}) =>
  h.ledger.answer('importTransactions', { imported: '0', skippedDuplicates: '0', categoriesCreated: '0', replayed: false, ...answer });

function importCsv(request: Partial<reportingV1.ImportTransactionsCsvRequest> & { userId: string }, deadlineMs?: number) {
  return h.client.importTransactionsCsv({ data: Buffer.alloc(0), dryRun: false, ...request }, deadlineMs === undefined ? {} : { deadlineMs });
}

const ledgerImports = () => h.ledger.callsOf('importTransactions');

describe('ImportTransactionsCsv: a valid file', () => {
  test('one ImportTransactions call with every row as the file means it: base currency filled in, categories trimmed, descriptions exact, formulas un-neutralised', async () => {
    const userId = h.user('EUR');
    ledgerAnswers({ imported: '4', skippedDuplicates: '1', categoriesCreated: '2' });
    // A BOM, columns in another order and case, an ignored id, a cell over three lines.
    const file =
      '\uFEFF' +
      CRLF(
        'description, Category ,amount,DATE,transaction_type,id,currency',
        '"Lunch, with ""Bob""",  Food  ,12.50,2026-03-01,expense,not-an-id,',
        '"line one\nline two\r\nthree",,1000,2026-03-02,Income,,JPY',
        "'=SUM(A1),'@home,4.750,2026-03-03,expense,,KWD",
        '  ☕ café 🎉  ,Cafés & more 🍰,0.01,2026-03-04,expense,,USD',
        '+1,,5,2026-03-05,income,,',
      );

    const answer = await importCsv({ userId, data: bytes(file), idempotencyKey: 'import-key-1' }, 300_000);

    expect(answer).toEqual({ imported: '4', skippedDuplicates: '1', errors: [], replayed: false });
    expect(ledgerImports()).toHaveLength(1);
    const call = ledgerImports()[0]!;
    // The rows in one message (a small file), then the empty last one that says every row was sent.
    expect(call.request).toHaveLength(2);
    expect(call.request[1]).toEqual({ userId: '', dryRun: false, endOfRows: true, rows: [] });
    expect(call.request[0]).toEqual({
      userId,
      dryRun: false,
      endOfRows: false,
      idempotencyKey: 'import-key-1',
      rows: [
        { amount: '12.50', currency: 'EUR', transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE, date: date('2026-03-01'), description: 'Lunch, with "Bob"', categoryName: 'Food' },
        { amount: '1000', currency: 'JPY', transactionType: TransactionType.TRANSACTION_TYPE_INCOME, date: date('2026-03-02'), description: 'line one\nline two\r\nthree' },
        { amount: '4.750', currency: 'KWD', transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE, date: date('2026-03-03'), description: '=SUM(A1)', categoryName: '@home' },
        { amount: '0.01', currency: 'USD', transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE, date: date('2026-03-04'), description: '  ☕ café 🎉  ', categoryName: 'Cafés & more 🍰' },
        // A hand-written "+1" has no quote to strip: it is the description "+1".
        { amount: '5.00', currency: 'EUR', transactionType: TransactionType.TRANSACTION_TYPE_INCOME, date: date('2026-03-05'), description: '+1' },
      ],
    });
    // Uncategorized rows carry no category name at all (not "").
    const rows = call.request[0]!.rows;
    expect(rows[1]!.categoryName).toBeUndefined();
    expect(rows[4]!.categoryName).toBeUndefined();
    // The import's own long deadline (100,000 rows in one transaction), within the caller's.
    expect(call.remainingMs).toBeGreaterThan(110_000);
    expect(call.remainingMs).toBeLessThanOrEqual(120_000);
    // The base currency came from auth on this request.
    expect(h.auth.callsOf('getUser').map((c) => c.request.userId)).toEqual([userId]);
  });

  test('a dry run asks the ledger to count only, without the Idempotency-Key (neither recorded nor replayed)', async () => {
    const userId = h.user();
    ledgerAnswers({ imported: '1', skippedDuplicates: '0' });
    const answer = await importCsv({ userId, data: bytes(CRLF('date,transaction_type,amount', '2026-03-01,expense,3')), dryRun: true, idempotencyKey: 'k-dry' });
    expect(answer).toEqual({ imported: '1', skippedDuplicates: '0', errors: [], replayed: false });
    const [request, last] = ledgerImports()[0]!.request;
    expect(request!.dryRun).toBe(true);
    expect(request!.idempotencyKey).toBeUndefined();
    expect(last).toMatchObject({ endOfRows: true, rows: [] });
    expect(request!.rows).toEqual([{ amount: '3.00', currency: 'USD', transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE, date: date('2026-03-01'), description: '' }]);
  });

  test('the ledger’s replay of an earlier answer (same Idempotency-Key) is passed on as replayed', async () => {
    const userId = h.user();
    ledgerAnswers({ imported: '2', skippedDuplicates: '0', replayed: true });
    const answer = await importCsv({ userId, data: bytes(CRLF('date,transaction_type,amount', '2026-03-01,expense,3', '2026-03-01,expense,3')), idempotencyKey: 'k-1' });
    expect(answer).toEqual({ imported: '2', skippedDuplicates: '0', errors: [], replayed: true });
    expect(ledgerImports()[0]!.request[0]!.idempotencyKey).toBe('k-1');
  });

  test('a header alone (an empty export) is an import of no rows: the ledger answers 0', async () => {
    const userId = h.user();
    ledgerAnswers();
    const answer = await importCsv({ userId, data: bytes(CRLF('id,date,transaction_type,amount,currency,category,description')) });
    expect(answer).toEqual({ imported: '0', skippedDuplicates: '0', errors: [], replayed: false });
    // No rows: the one message names the user and ends the stream.
    expect(ledgerImports()[0]!.request).toEqual([{ userId, rows: [], dryRun: false, endOfRows: true }]);
  });
});

describe('ImportTransactionsCsv: a bad file is refused whole, the ledger never asked', () => {
  test('every bad row by the line where its record starts (a cell over three lines moves the next record three lines on)', async () => {
    const userId = h.user();
    const file = CRLF(
      'date,transaction_type,amount,description',
      '2026-03-01,expense,1.00,fine',
      '2026-02-30,expense,1.00,impossible date',
      '2026-03-01,expense,1.001,too many decimals',
      '2026-03-01,expense,1.00,"three\nline\ncell"',
      '2026-03-01,spend,1.00,unknown type',
    );
    const answer = await importCsv({ userId, data: bytes(file) });
    expect(answer.imported).toBe('0');
    expect(answer.skippedDuplicates).toBe('0');
    expect(answer.errors).toEqual([
      { line: '3', message: expect.stringMatching(/^date: /) },
      { line: '4', message: 'amount: USD allows at most 2 decimal places' },
      { line: '8', message: 'transaction_type: must be "income" or "expense"' },
    ]);
    expect(ledgerImports()).toEqual([]);
  });

  test.each([
    ['an empty upload', Buffer.alloc(0), /^The file is empty/],
    ['a binary upload (NUL bytes)', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), /binary/],
    ['invalid UTF-8 (Latin-1 text)', Buffer.from('date,transaction_type,amount,description\r\n2026-03-01,expense,1,caf\xe9\r\n', 'latin1'), /not UTF-8/],
    ['a file without the required columns', bytes(CRLF('date,amount,description', '2026-03-01,1.00,x')), /^header: the required column "transaction_type" is missing/],
  ])('%s → one file-level problem', async (_name, data, message) => {
    const userId = h.user();
    const answer = await importCsv({ userId, data });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]!.message).toMatch(message);
    expect(answer.imported).toBe('0');
    expect(ledgerImports()).toEqual([]);
  });

  test('an unknown currency, too many decimals for the row’s currency, a description over 1000 characters: each named on its line', async () => {
    const userId = h.user();
    const file = CRLF(
      'date,transaction_type,amount,currency,description',
      '2026-03-01,expense,1.00,XXX,unknown currency',
      '2026-03-01,expense,5.5,JPY,yen have no decimals',
      `2026-03-01,expense,1.00,USD,${'d'.repeat(1001)}`,
      `2026-03-01,expense,1.00,USD,${'d'.repeat(1000)}`,
    );
    const answer = await importCsv({ userId, data: bytes(file) });
    expect(answer.errors).toEqual([
      { line: '2', message: expect.stringMatching(/^currency: /) },
      { line: '3', message: 'amount: JPY does not allow decimal places' },
      { line: '4', message: 'description: must be at most 1000 characters' },
    ]);
    expect(ledgerImports()).toEqual([]);
  });

  test(`at most ${IMPORT_MAX_LISTED_ERRORS} problems are listed, then one item saying how many more from which line`, async () => {
    const userId = h.user();
    // 700 rows with two problems each (date and type): 1,400 problems on lines 2–701.
    const file = CRLF('date,transaction_type,amount', ...Array.from({ length: 700 }, () => 'yesterday,spend,1'));
    const answer = await importCsv({ userId, data: bytes(file) });
    expect(answer.errors).toHaveLength(IMPORT_MAX_LISTED_ERRORS + 1);
    expect(answer.errors[0]).toEqual({ line: '2', message: expect.stringMatching(/^date: /) });
    expect(answer.errors[IMPORT_MAX_LISTED_ERRORS - 1]).toEqual({ line: '501', message: expect.stringMatching(/^transaction_type: /) });
    expect(answer.errors.at(-1)).toEqual({ line: '502', message: 'and 400 more problems (200 more lines) from this line on, not listed: fix these first' });
    expect(ledgerImports()).toEqual([]);
  });

  test('a malformed user id is refused before anyone is asked', async () => {
    const err = await rejected(importCsv({ userId: 'not-a-uuid', data: bytes(CRLF('date,transaction_type,amount')) }));
    expect(err.status).toBe(status.INVALID_ARGUMENT);
    expect(err.code).toBe('REPORTING_INVALID_FIELDS');
    expect(allCalls(h)).toEqual([]);
  });
});

describe('ImportTransactionsCsv: a large file streams to the ledger while it is read', () => {
  /** A file of `n` valid rows (one line each), with the given lines (2 = the first row) made bad. */
  const bigFile = (n: number, bad: Record<number, string> = {}) =>
    CRLF('date,transaction_type,amount,description', ...Array.from({ length: n }, (_, i) => bad[i + 2] ?? `2026-03-0${(i % 9) + 1},expense,1.00,row ${i}`));

  test('the rows go in messages of IMPORT_MESSAGE_ROWS, in file order, the last message ending the stream', async () => {
    const userId = h.user();
    ledgerAnswers({ imported: '2500' });
    expect(await importCsv({ userId, data: bytes(bigFile(2500)) })).toMatchObject({ imported: '2500', errors: [] });
    const messages = ledgerImports()[0]!.request;
    expect(messages.map((m) => [m.userId === userId, m.rows.length, m.endOfRows])).toEqual([
      [true, IMPORT_MESSAGE_ROWS, false],
      [false, IMPORT_MESSAGE_ROWS, false],
      [false, 500, false],
      [false, 0, true],
    ]);
    expect(messages.flatMap((m) => m.rows).map((r) => r.description)).toEqual(Array.from({ length: 2500 }, (_, i) => `row ${i}`));
  });

  test('bad rows after the first messages: the ledger’s call is abandoned (no end_of_rows, nothing written) and every bad line is named', async () => {
    const userId = h.user();
    ledgerAnswers({ imported: '1' });
    const answer = await importCsv({ userId, data: bytes(bigFile(2500, { 2001: '2026-02-30,expense,1.00,x', 2400: '2026-03-01,expense,-1,y' })) });
    expect(answer.imported).toBe('0');
    expect(answer.errors.map((e) => e.line)).toEqual(['2001', '2400']);
    // The stub answers a cancelled stream as grpc-js shows it (ended): what matters is that the last
    // message never came, so the real ledger refuses and rolls back.
    for (const call of ledgerImports()) expect(call.request.some((m) => m.endOfRows)).toBe(false);
  });

  test('rows the ledger refuses are named by their index over the whole stream', async () => {
    const userId = h.user();
    h.ledger.fail('importTransactions', stubError('invalid_argument', 'LEDGER_INVALID_FIELDS', 'x', { errors: [{ path: 'rows[2345].amount', message: 'is too large' }] }));
    const answer = await importCsv({ userId, data: bytes(bigFile(2500)) });
    expect(answer.errors).toEqual([{ line: '2347', message: 'amount: is too large' }]);
  });
});

describe('ImportTransactionsCsv: the ledger’s verdicts', () => {
  const FILE = CRLF('date,transaction_type,amount,category,description', '2026-03-01,expense,1.00,Food,"two\nlines"', '2026-03-02,income,2.00,Salary,');

  test('rows the ledger refuses (rows[i].<field>) come back as those rows’ lines, columns named as in the file', async () => {
    const userId = h.user();
    h.ledger.fail(
      'importTransactions',
      stubError('invalid_argument', 'LEDGER_INVALID_FIELDS', 'rows[1].category_name: …', {
        errors: [
          { path: 'rows[1].category_name', message: 'must be at most 100 characters' },
          { path: 'rows[0].amount', message: 'is too large' },
        ],
      }),
    );
    const answer = await importCsv({ userId, data: bytes(FILE) });
    expect(answer).toEqual({
      imported: '0',
      skippedDuplicates: '0',
      replayed: false,
      errors: [
        { line: '2', message: 'amount: is too large' },
        { line: '4', message: 'category: must be at most 100 characters' },
      ],
    });
  });

  test('the Idempotency-Key used with another file → the ledger’s LEDGER_IDEMPOTENCY_KEY_REUSED, unchanged', async () => {
    const userId = h.user();
    h.ledger.fail(
      'importTransactions',
      stubError('invalid_argument', 'LEDGER_IDEMPOTENCY_KEY_REUSED', 'was already used with a different request', {
        errors: [{ path: 'Idempotency-Key', message: 'was already used with a different request; use a new key for a new request' }],
      }),
    );
    const err = await rejected(importCsv({ userId, data: bytes(FILE), idempotencyKey: 'k' }));
    expect(err.status).toBe(status.INVALID_ARGUMENT);
    expect(err.code).toBe('LEDGER_IDEMPOTENCY_KEY_REUSED');
    expect(err.errors).toEqual([{ path: 'Idempotency-Key', message: 'was already used with a different request; use a new key for a new request' }]);
  });

  test('the same key still being processed → LEDGER_IDEMPOTENCY_IN_PROGRESS (ALREADY_EXISTS: retry)', async () => {
    const userId = h.user();
    h.ledger.fail('importTransactions', stubError('already_exists', 'LEDGER_IDEMPOTENCY_IN_PROGRESS', 'retry shortly'));
    const err = await rejected(importCsv({ userId, data: bytes(FILE), idempotencyKey: 'k' }));
    expect(err.status).toBe(status.ALREADY_EXISTS);
    expect(err.code).toBe('LEDGER_IDEMPOTENCY_IN_PROGRESS');
  });

  test('a user the ledger does not know → REPORTING_USER_NOT_FOUND', async () => {
    const userId = h.user();
    h.ledger.fail('importTransactions', stubError('unauthenticated', 'LEDGER_USER_NOT_FOUND'));
    const err = await rejected(importCsv({ userId, data: bytes(FILE) }));
    expect(err.status).toBe(status.UNAUTHENTICATED);
    expect(err.code).toBe('REPORTING_USER_NOT_FOUND');
  });

  test('a ledger naming a row it was not sent is a fault (INTERNAL), never a wrong line', async () => {
    const userId = h.user();
    h.ledger.fail('importTransactions', stubError('invalid_argument', 'LEDGER_INVALID_FIELDS', 'x', { errors: [{ path: 'rows[7].amount', message: 'is too large' }] }));
    const err = await rejected(importCsv({ userId, data: bytes(FILE) }));
    expect(err.status).toBe(status.INTERNAL);
  });

  // Last of the tests on `h`: after a cut, the ledger channel reconnects with back-off, and an import is never retried.
  test('the ledger unreachable → LEDGER_UNAVAILABLE', async () => {
    const userId = h.user();
    ledgerAnswers();
    h.proxies.ledger.cut();
    const err = await rejected(importCsv({ userId, data: bytes(FILE) }));
    expect(err.status).toBe(status.UNAVAILABLE);
    expect(err.code).toBe('LEDGER_UNAVAILABLE');
  });
});

describe('ImportTransactionsCsv: IMPORT_MAX_ROWS', () => {
  let small: ReportingHarness;
  beforeAll(async () => {
    small = await startReportingHarness({ IMPORT_MAX_ROWS: '3' });
  });
  beforeEach(() => small.reset());
  afterAll(async () => {
    await small?.close();
  });

  const rows = (n: number) => Array.from({ length: n }, (_, i) => `2026-03-0${(i % 9) + 1},expense,1`);

  test('defaults to 100,000', () => {
    expect(reportingConfigSchema.parse({}).IMPORT_MAX_ROWS).toBe(100_000);
  });

  test('exactly the limit is imported (blank lines are not records)', async () => {
    const userId = small.user();
    small.ledger.answer('importTransactions', { imported: '3', skippedDuplicates: '0', categoriesCreated: '0', replayed: false });
    const file = CRLF('date,transaction_type,amount', ...rows(3), '', ',,');
    const answer = await small.client.importTransactionsCsv({ userId, data: bytes(file), dryRun: false });
    expect(answer.imported).toBe('3');
    expect(small.ledger.lastRequest('importTransactions').flatMap((m) => m.rows)).toHaveLength(3);
  });

  test('one record more → RESOURCE_EXHAUSTED REPORTING_IMPORT_TOO_MANY_ROWS, bad records counted too, the ledger not asked', async () => {
    const userId = small.user();
    const file = CRLF('date,transaction_type,amount', ...rows(3), 'not-a-date,expense,1');
    const err = await rejected(small.client.importTransactionsCsv({ userId, data: bytes(file), dryRun: false }));
    expect(err.status).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.code).toBe('REPORTING_IMPORT_TOO_MANY_ROWS');
    expect(err.detail).toBe('The file holds 4 records; at most 3 are imported at once: split it into smaller files.');
    expect(small.ledger.calls).toEqual([]);
    expect(small.unscripted()).toEqual([]);
  });
});
