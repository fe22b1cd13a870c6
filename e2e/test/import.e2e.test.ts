import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { client, signUp, startStack, type Reply, type Stack } from './support/stack.js';
import { expectProblem } from './support/problems.js';

// POST /import/csv through the real stack (issue 13): the gateway's upload, reporting's reading of
// the file and the ledger's all-or-nothing write with duplicate counting, together. An exported
// file imports into another account unchanged; a re-import imports nothing; a bad file is refused
// whole with every bad line named; a dry run writes nothing; categories are made by name,
// case-insensitively; the limits; Idempotency-Key; and nobody else's data is touched.

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack();
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack?.close();
});

const HEADER = 'id,date,transaction_type,amount,currency,category,description';
const CRLF = (...lines: string[]) => lines.join('\r\n') + '\r\n';

async function newUser() {
  const { tokens } = await signUp(api, 'import');
  return tokens.access_token;
}

async function created(path: string, json: Record<string, unknown>, token: string) {
  const reply = await api.post(path, json, token);
  if (reply.status !== 201) throw new Error(`POST ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as { id: string; name?: string };
}

async function exported(token: string): Promise<string> {
  const reply = await api.get('/export/csv', token);
  expect(reply.status).toBe(200);
  return reply.body as string;
}

/** The export without its ids (each record starts with one): what must survive an import into another account. */
const withoutIds = (csv: string) => csv.replace(/(^|\r\n)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12},/g, '$1,');

const idsOf = (csv: string) => [...csv.matchAll(/(?:^|\r\n)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}),/g)].map((m) => m[1]);

interface ImportOptions {
  token: string;
  /** `multipart` (default): the file in the field `file`; `csv`: the body itself, text/csv. */
  as?: 'multipart' | 'csv';
  query?: string;
  headers?: Record<string, string>;
}

/** POST /import/csv as a browser form or a script would send it. */
async function importCsv(file: string | Uint8Array, { token, as = 'multipart', query = '', headers = {} }: ImportOptions): Promise<Reply> {
  let body: FormData | Uint8Array | string;
  const sent: Record<string, string> = { authorization: `Bearer ${token}`, ...headers };
  if (as === 'multipart') {
    body = new FormData();
    body.append('file', new Blob([file], { type: 'text/csv' }), 'transactions.csv');
  } else {
    body = file;
    sent['content-type'] = 'text/csv';
  }
  const res = await fetch(`${stack.baseUrl}/import/csv${query}`, { method: 'POST', headers: sent, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
}

async function transactionCount(token: string): Promise<number> {
  const reply = await api.get('/transactions?limit=200', token);
  expect(reply.status).toBe(200);
  expect(reply.body.next_cursor).toBeNull();
  return reply.body.items.length;
}

async function categoryNames(token: string): Promise<string[]> {
  const reply = await api.get('/categories?limit=200', token);
  expect(reply.status).toBe(200);
  return (reply.body.items as { name: string }[]).map((c) => c.name).sort();
}

function expectImported(reply: Reply, imported: number, skipped: number) {
  if (reply.status !== 201) throw new Error(`import: ${reply.status} ${JSON.stringify(reply.body)}`);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.body).toEqual({ imported, skipped_duplicates: skipped, errors: [] });
}

/** 422 with `errors: [{line, message}]`: the refused file's problems. */
function expectRefusedFile(reply: Reply) {
  const body = expectProblem(reply, 422);
  expect(body.code).toBe('IMPORT_FILE_INVALID');
  return (body as unknown as { errors: { line: number; message: string }[] }).errors;
}

describe('an export imports into another account unchanged', () => {
  let owner: string;
  let other: string;
  let ownerExport: string;

  beforeAll(async () => {
    owner = await newUser();
    other = await newUser();
    const food = await created('/categories', { name: 'Food', color: '#AA5500' }, owner);
    const home = await created('/categories', { name: '@home', color: '#3366AA' }, owner);
    // One per day, so both exports have one order (by date) whatever the ids.
    const rows: Record<string, unknown>[] = [
      { amount: '2500', transaction_type: 'income', date: '2026-01-05', description: 'Salary, January' },
      { amount: '1000', currency: 'JPY', transaction_type: 'expense', date: '2026-01-06', description: 'He said "hi"', category_id: food.id },
      { amount: '4.750', currency: 'KWD', transaction_type: 'expense', date: '2026-01-07', description: 'line one\nline two', category_id: home.id },
      { amount: '12.5', transaction_type: 'expense', date: '2026-01-08', description: '=SUM(A1)', category_id: food.id },
      { amount: '3', transaction_type: 'expense', date: '2026-01-09', description: '+1' },
      { amount: '0.01', currency: 'EUR', transaction_type: 'income', date: '2026-01-10', description: '🎉 party ☕', category_id: home.id },
      { amount: '7.25', transaction_type: 'expense', date: '2026-01-11', category_id: food.id },
      { amount: '99.99', transaction_type: 'expense', date: '2026-01-12', description: '-5 refund, "quoted"\r\nsecond line, @x' },
    ];
    for (const row of rows) await created('/transactions', row, owner);
    ownerExport = await exported(owner);
  });

  test('the export holds what was entered (the file this suite imports)', () => {
    expect(withoutIds(ownerExport)).toBe(
      CRLF(
        HEADER,
        ',2026-01-05,income,2500.00,USD,,"Salary, January"',
        ',2026-01-06,expense,1000,JPY,Food,"He said ""hi"""',
        ",2026-01-07,expense,4.750,KWD,'@home,\"line one\nline two\"",
        ",2026-01-08,expense,12.50,USD,Food,'=SUM(A1)",
        ",2026-01-09,expense,3.00,USD,,'+1",
        ",2026-01-10,income,0.01,EUR,'@home,🎉 party ☕",
        ',2026-01-11,expense,7.25,USD,Food,',
        ",2026-01-12,expense,99.99,USD,,\"'-5 refund, \"\"quoted\"\"\r\nsecond line, @x\"",
      ),
    );
  });

  test('imported into another account: 201 with every row, and its export is the same file but for the ids', async () => {
    expectImported(await importCsv(ownerExport, { token: other }), 8, 0);
    const otherExport = await exported(other);
    expect(withoutIds(otherExport)).toBe(withoutIds(ownerExport));
    // New transactions of its own, not the owner's.
    const ownerIds = idsOf(ownerExport);
    expect(idsOf(otherExport)).toHaveLength(8);
    for (const id of idsOf(otherExport)) expect(ownerIds).not.toContain(id);
    // The categories were made by name.
    expect(await categoryNames(other)).toEqual(['@home', 'Food']);
  });

  test('imported again: nothing new, every row skipped as a duplicate; the export is unchanged', async () => {
    const before = await exported(other);
    expectImported(await importCsv(ownerExport, { token: other, as: 'csv' }), 0, 8);
    expect(await exported(other)).toBe(before);
    expect(await categoryNames(other)).toEqual(['@home', 'Food']);
  });

  test('the owner’s transactions are untouched, and never in another account’s export', async () => {
    expect(await exported(owner)).toBe(ownerExport);
    const third = await newUser();
    expect(await exported(third)).toBe(CRLF(HEADER));
  });
});

describe('duplicates, categories, dry runs', () => {
  test('duplicates count with multiplicity: two identical rows in the file and one stored → one imported, one skipped', async () => {
    const token = await newUser();
    await created('/transactions', { amount: '3.50', transaction_type: 'expense', date: '2026-02-01', description: 'Coffee' }, token);
    const file = CRLF('date,transaction_type,amount,description', '2026-02-01,expense,3.50,Coffee', '2026-02-01,expense,3.50,Coffee', '2026-02-01,expense,3.50,Coffee ');
    expectImported(await importCsv(file, { token }), 2, 1);
    expect(await transactionCount(token)).toBe(3);
  });

  test('categories by name, case-insensitively: an existing one is used, a missing one made once', async () => {
    const token = await newUser();
    await created('/categories', { name: 'Food', color: '#AA5500' }, token);
    const file = CRLF(
      'date,transaction_type,amount,category',
      '2026-02-01,expense,1,food',
      '2026-02-02,expense,2,FOOD',
      '2026-02-03,expense,3,Travel',
      '2026-02-04,expense,4,  travel  ',
      '2026-02-05,expense,5,',
    );
    expectImported(await importCsv(file, { token }), 5, 0);
    expect(await categoryNames(token)).toEqual(['Food', 'Travel']);
    const rows = (await exported(token)).split('\r\n').slice(1, -1).map((line) => line.split(',').slice(1).join(','));
    expect(rows).toEqual(['2026-02-01,expense,1.00,USD,Food,', '2026-02-02,expense,2.00,USD,Food,', '2026-02-03,expense,3.00,USD,Travel,', '2026-02-04,expense,4.00,USD,Travel,', '2026-02-05,expense,5.00,USD,,']);
  });

  test('a dry run answers the counts and writes nothing (no transaction, no category); the import after it does', async () => {
    const token = await newUser();
    await created('/transactions', { amount: '1', transaction_type: 'income', date: '2026-02-01' }, token);
    const file = CRLF('date,transaction_type,amount,category', '2026-02-01,income,1,', '2026-02-02,expense,2,Books', '2026-02-03,expense,3,Books');
    expectImported(await importCsv(file, { token, query: '?dry_run=true' }), 2, 1);
    expect(await transactionCount(token)).toBe(1);
    expect(await categoryNames(token)).toEqual([]);
    expectImported(await importCsv(file, { token, query: '?dry_run=false' }), 2, 1);
    expect(await transactionCount(token)).toBe(3);
    expect(await categoryNames(token)).toEqual(['Books']);
  });

  test('the base currency fills rows without a currency; a BOM and columns in another order are fine', async () => {
    const token = await newUser();
    expect((await api.put('/users/me', { base_currency: 'EUR' }, token)).status).toBe(200);
    const file = '\uFEFF' + CRLF('Amount,Date,Transaction_Type,Currency', '4.5,2026-02-01,expense,', '1000,2026-02-02,income,JPY');
    expectImported(await importCsv(file, { token }), 2, 0);
    expect(withoutIds(await exported(token))).toBe(CRLF(HEADER, ',2026-02-01,expense,4.50,EUR,,', ',2026-02-02,income,1000,JPY,,'));
  });
});

describe('a bad file is refused whole: 422 naming every bad line, nothing imported', () => {
  let token: string;
  beforeAll(async () => {
    token = await newUser();
    await created('/transactions', { amount: '1', transaction_type: 'expense', date: '2026-02-01', description: 'already here' }, token);
  });

  async function expectNothingImported() {
    expect(await transactionCount(token)).toBe(1);
    expect(await categoryNames(token)).toEqual([]);
  }

  test('bad rows on lines 3 and 4 (a good row before, between and after): both named, nothing imported', async () => {
    const file = CRLF(
      'date,transaction_type,amount,category,description',
      '2026-02-01,expense,1.00,Food,good',
      '2026-02-30,expense,1.00,Food,impossible date',
      '2026-02-02,expense,1.001,Food,too many decimals',
      '2026-02-03,income,5,Salary,good',
    );
    const errors = expectRefusedFile(await importCsv(file, { token }));
    expect(errors).toEqual([
      { line: 3, message: expect.stringMatching(/^date: /) },
      { line: 4, message: 'amount: USD allows at most 2 decimal places' },
    ]);
    await expectNothingImported();
  });

  test('a quoted cell over three lines: the next record’s line counts them all', async () => {
    const file = CRLF('date,transaction_type,amount,description', '2026-02-01,expense,1,"one\r\ntwo\r\nthree"', '2026-02-01,expense,-1,negative');
    expect(expectRefusedFile(await importCsv(file, { token }))).toEqual([{ line: 5, message: expect.stringMatching(/^amount: must be greater than zero/) }]);
    await expectNothingImported();
  });

  test.each([
    ['a missing required column', CRLF('date,amount', '2026-02-01,1'), 1, /^header: the required column "transaction_type" is missing/],
    ['an unknown currency', CRLF('date,transaction_type,amount,currency', '2026-02-01,expense,1,XYZ'), 2, /^currency: /],
    ['too many decimals for JPY', CRLF('date,transaction_type,amount,currency', '2026-02-01,expense,1.5,JPY'), 2, /^amount: JPY does not allow decimal places/],
    ['a description over 1000 characters', CRLF('date,transaction_type,amount,description', `2026-02-01,expense,1,${'é'.repeat(1001)}`), 2, /^description: must be at most 1000 characters/],
    ['an impossible date', CRLF('date,transaction_type,amount', '2025-02-29,expense,1'), 2, /^date: /],
    ['an unknown transaction_type', CRLF('date,transaction_type,amount', '2026-02-01,transfer,1'), 2, /^transaction_type: /],
    ['an empty upload', '', 1, /^The file is empty/],
    // A PNG's signature holds a CRLF and an LF: its first NUL byte is on line 3.
    ['a binary upload', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), 3, /binary/],
  ])('%s → 422 naming its line', async (_name, file, line, message) => {
    const errors = expectRefusedFile(await importCsv(file, { token }));
    expect(errors).toEqual([{ line, message: expect.stringMatching(message) }]);
    await expectNothingImported();
  });

  test('a multipart body without a `file` field → 422 naming file', async () => {
    const form = new FormData();
    form.append('upload', new Blob([CRLF('date,transaction_type,amount', '2026-02-01,expense,1')], { type: 'text/csv' }), 'x.csv');
    const res = await fetch(`${stack.baseUrl}/import/csv`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const reply = { status: res.status, headers: res.headers, body: await res.json() };
    const body = expectProblem(reply, 422);
    expect(body.errors).toEqual([{ path: 'file', message: expect.stringMatching(/^is required/) }]);
    await expectNothingImported();
  });

  test('a file over IMPORT_MAX_BYTES (10 MiB) → 413, as multipart and as text/csv', async () => {
    const row = '2026-02-01,expense,1,padding padding padding padding\r\n';
    const file = 'date,transaction_type,amount,description\r\n' + row.repeat(Math.ceil((10 * 1024 * 1024) / row.length));
    expect(Buffer.byteLength(file)).toBeGreaterThan(10 * 1024 * 1024);
    expect(expectProblem(await importCsv(file, { token }), 413).code).toBe('IMPORT_FILE_TOO_LARGE');
    expect(expectProblem(await importCsv(file, { token, as: 'csv' }), 413).code).toBe('IMPORT_FILE_TOO_LARGE');
    await expectNothingImported();
  });

  test('another media type → 415; no token → 401', async () => {
    const json = await api.request('POST', '/import/csv', { token, json: { file: 'x' } });
    expectProblem(json, 415);
    const anonymous = await fetch(`${stack.baseUrl}/import/csv`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'date,transaction_type,amount\r\n' });
    expect(anonymous.status).toBe(401);
    await anonymous.text();
    await expectNothingImported();
  });
});

describe('Idempotency-Key', () => {
  test('a retry with the same key and file answers the first answer again (Idempotent-Replayed) and imports nothing new', async () => {
    const token = await newUser();
    const file = CRLF('date,transaction_type,amount,category', '2026-02-01,expense,1,Food', '2026-02-02,expense,2,Food');
    const key = { 'idempotency-key': 'import-2026-02' };
    const first = await importCsv(file, { token, headers: key });
    expectImported(first, 2, 0);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const retry = await importCsv(file, { token, headers: key, as: 'csv' });
    expectImported(retry, 2, 0);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await transactionCount(token)).toBe(2);
    expect(await categoryNames(token)).toEqual(['Food']);

    // The same key with another file → 422, nothing imported.
    const other = await importCsv(CRLF('date,transaction_type,amount', '2026-02-03,expense,3'), { token, headers: key });
    expect(expectProblem(other, 422).code).toBe('LEDGER_IDEMPOTENCY_KEY_REUSED');
    expect(await transactionCount(token)).toBe(2);
    // Without a key, the same file again is an ordinary re-import: all duplicates.
    expectImported(await importCsv(file, { token }), 0, 2);
  });

  test('a dry run with a key records nothing: the real import with that key afterwards imports', async () => {
    const token = await newUser();
    const file = CRLF('date,transaction_type,amount', '2026-02-01,expense,1');
    const key = { 'idempotency-key': 'dry-then-real' };
    expectImported(await importCsv(file, { token, headers: key, query: '?dry_run=true' }), 1, 0);
    const real = await importCsv(file, { token, headers: key });
    expectImported(real, 1, 0);
    expect(real.headers.get('idempotent-replayed')).toBeNull();
    expect(await transactionCount(token)).toBe(1);
  });
});
