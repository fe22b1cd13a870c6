import { describe, expect, test } from '@jest/globals';
import { formatMoney } from '@finance/money';
import { parseImportCsv, type ParsedImport } from './import-rows.js';

const HEADER = 'id,date,transaction_type,amount,currency,category,description';
const parseUsd = (text: string | Uint8Array) => parseImportCsv(text, { baseCurrency: 'USD' });
/** Rows as readable tuples: [line, date, type, "amount currency", category, description]. */
const rowsOf = (p: ParsedImport) => p.rows.map((r) => [r.line, r.date, r.type, `${formatMoney(r.amount)} ${r.amount.currency}`, r.categoryName, r.description]);
const lines = (...l: string[]) => l.join('\n');

describe('parseImportCsv: rows', () => {
  test('an exported file: every column read, id ignored', async () => {
    const p = await parseUsd(lines(HEADER, 'x,2026-01-05,expense,4.50,USD,Food,Coffee', ',2026-01-06,income,1000,JPY,,Gift', ''));
    expect(p.errors).toEqual([]);
    expect(rowsOf(p)).toEqual([
      [2, '2026-01-05', 'expense', '4.50 USD', 'Food', 'Coffee'],
      [3, '2026-01-06', 'income', '1000 JPY', null, 'Gift'],
    ]);
  });

  test('columns in any order, names trimmed and case-insensitive; optional columns may be absent', async () => {
    const p = await parseUsd(lines(' Amount ,DATE,Transaction_Type', '12.5,2026-02-01,expense'));
    expect(p.errors).toEqual([]);
    expect(rowsOf(p)).toEqual([[2, '2026-02-01', 'expense', '12.50 USD', null, '']]);
  });

  test('an empty currency cell is the base currency given by the caller', async () => {
    const p = await parseImportCsv(lines('date,transaction_type,amount,currency', '2026-02-01,expense,12,'), { baseCurrency: 'EUR' });
    expect(rowsOf(p)).toEqual([[2, '2026-02-01', 'expense', '12.00 EUR', null, '']]);
  });

  test('a UTF-8 BOM is accepted, as bytes and as text', async () => {
    const text = '\uFEFF' + lines('date,transaction_type,amount', '2026-02-01,income,1');
    expect(rowsOf(await parseUsd(text))).toEqual([[2, '2026-02-01', 'income', '1.00 USD', null, '']]);
    expect(rowsOf(await parseUsd(new TextEncoder().encode(text)))).toEqual([[2, '2026-02-01', 'income', '1.00 USD', null, '']]);
  });

  test('neutralised cells are undone; description kept exactly, category trimmed', async () => {
    const p = await parseUsd(lines('date,transaction_type,amount,category,description', `2026-02-01,expense,1,"  '=Fees ","'@home, '-1 ""quoted"" "`));
    expect(p.errors).toEqual([]);
    expect(p.rows[0]).toMatchObject({ categoryName: '=Fees', description: `@home, '-1 "quoted" ` });
  });

  test('blank lines and all-empty records are skipped but counted as lines', async () => {
    const p = await parseUsd(lines('date,transaction_type,amount', '', '2026-02-01,expense,1', ',,', '  ,  , ', '2026-02-02,expense,2'));
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => r.line)).toEqual([3, 6]);
  });

  test('a header alone is a valid file of no rows (an empty export imports back)', async () => {
    expect(await parseUsd(HEADER + '\r\n')).toEqual({ rows: [], errors: [] });
  });
});

describe('parseImportCsv: line numbers', () => {
  // The header is line 1; a record's line is the line where it starts, whatever its quoted cells span.
  const multiLine = ['date,transaction_type,amount,description', '2026-01-01,expense,1,"two', 'lines"', '2026-01-02,expense,1,"three', '', 'lines"', '2026-01-03,expense,-1,bad'];

  test.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('a quoted cell spanning lines counts from its first line (%s)', async (_name, eol) => {
    const p = await parseUsd(multiLine.join(eol) + eol);
    expect(p.rows.map((r) => [r.line, r.description])).toEqual([
      [2, `two${eol}lines`],
      [4, `three${eol}${eol}lines`],
    ]);
    expect(p.errors).toEqual([{ line: 7, message: expect.stringMatching(/^amount: must be greater than zero/) }]);
  });

  test('mixed line endings in one file', async () => {
    const p = await parseUsd('date,transaction_type,amount\r\n2026-01-01,expense,1\n\r\n2026-01-02,expense,x\r2026-01-03,expense,y');
    expect(p.rows.map((r) => r.line)).toEqual([2]);
    expect(p.errors.map((e) => e.line)).toEqual([4, 5]);
  });

  test('bad rows on lines 3 and 4 are both named, after a multi-line cell', async () => {
    const p = await parseUsd(lines(HEADER, ',2026-01-01,expense,1,USD,,"a', 'b"', ',2026-13-01,expense,1,USD,,c', ',2026-01-02,expense,1.999,USD,,d'));
    // line 2 spans 2-3, so the bad rows start on lines 4 and 5
    expect(p.errors).toEqual([
      { line: 4, message: 'date: is not a valid calendar date (YYYY-MM-DD, years 1 to 9999)' },
      { line: 5, message: 'amount: USD allows at most 2 decimal places' },
    ]);
    expect(p.rows.map((r) => r.line)).toEqual([2]);
  });
});

describe('parseImportCsv: bad rows, every one reported with the field named', () => {
  test.each([
    ['2026-02-30,expense,1,USD,,', 'date: is not a valid calendar date (YYYY-MM-DD, years 1 to 9999)'],
    ['26-01-05,expense,1,USD,,', 'date: is not a valid calendar date (YYYY-MM-DD, years 1 to 9999)'],
    [',expense,1,USD,,', 'date: is required (YYYY-MM-DD)'],
    ['2026-01-05,transfer,1,USD,,', 'transaction_type: must be "income" or "expense"'],
    ['2026-01-05,,1,USD,,', 'transaction_type: is required ("income" or "expense")'],
    ['2026-01-05,expense,1.001,USD,,', 'amount: USD allows at most 2 decimal places'],
    ['2026-01-05,expense,1.5,JPY,,', 'amount: JPY does not allow decimal places'],
    ['2026-01-05,expense,0,USD,,', 'amount: must be greater than zero (transaction_type says whether it is income or expense)'],
    ['2026-01-05,expense,1e3,USD,,', expect.stringMatching(/^amount: must be a positive decimal like "12.50"/)],
    ['2026-01-05,expense,"1,000",USD,,', expect.stringMatching(/^amount: must be a positive decimal/)],
    ['2026-01-05,expense,,USD,,', 'amount: is required (a positive decimal like "12.50")'],
    ['2026-01-05,expense,1234567890123456,USD,,', expect.stringMatching(/^amount: Amount is too large/)],
    ['2026-01-05,expense,1,XYZ,,', expect.stringMatching(/^currency: Unknown currency/)],
    ['2026-01-05,expense,1,usd,,', 'currency: Currency codes must be upper case: use "USD" instead of "usd"'],
    [`2026-01-05,expense,1,USD,${'c'.repeat(101)},`, 'category: must be at most 100 characters'],
    [`2026-01-05,expense,1,USD,,${'😀'.repeat(1001)}`, 'description: must be at most 1000 characters'],
    ['2026-01-05,expense,1,USD', 'has 4 cells where the header has 6: a comma or a quote may be missing'],
  ])('%j → %j', async (row, message) => {
    const p = await parseUsd(lines('date,transaction_type,amount,currency,category,description', '2026-01-01,income,1,USD,,ok', row));
    expect(p.errors).toEqual([{ line: 3, message }]);
    expect(p.rows.map((r) => r.line)).toEqual([2]);
  });

  test('a description of exactly 1000 characters (emoji count as one) is fine', async () => {
    const p = await parseUsd(lines('date,transaction_type,amount,description', `2026-01-05,expense,1,${'😀'.repeat(1000)}`));
    expect(p.errors).toEqual([]);
  });

  test('an unknown currency still has its amount syntax checked; every bad field of a row is named', async () => {
    const p = await parseUsd(lines('date,transaction_type,amount,currency', '2026-02-30,gift,-1,ABC', '2026-01-01,expense,1.123456,ABC'));
    expect(p.errors.map((e) => [e.line, e.message.split(':')[0]])).toEqual([
      [2, 'date'],
      [2, 'transaction_type'],
      [2, 'currency'],
      [2, 'amount'],
      [3, 'currency'],
    ]);
  });
});

describe('parseImportCsv: file-level errors', () => {
  test.each([
    ['an empty file', ''],
    ['blank lines only', '\r\n\n'],
    ['a BOM only', '\uFEFF'],
  ])('%s', async (_name, text) => {
    expect(await parseUsd(text)).toEqual({ rows: [], errors: [{ line: 1, message: expect.stringMatching(/^The file is empty/) }] });
  });

  test('required columns missing: one error on the header, naming them', async () => {
    expect(await parseUsd(lines('id,date,category', 'x,2026-01-01,Food'))).toEqual({
      rows: [],
      errors: [{ line: 1, message: 'header: the required columns "transaction_type", "amount" are missing (columns: date, transaction_type, amount, id, currency, category, description)' }],
    });
  });

  test('unknown and repeated columns are refused', async () => {
    const p = await parseUsd(lines('date,transaction_type,amount,descripton,Date', '2026-01-01,expense,1,x,y'));
    expect(p.rows).toEqual([]);
    expect(p.errors).toEqual([
      { line: 1, message: 'header: the column "date" appears more than once' },
      { line: 1, message: expect.stringMatching(/^header: unknown column "descripton" /) },
    ]);
  });

  test('binary input: NUL bytes, with the line of the first one', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('date,transaction_type,amount\n2026'), 0, 1, 2]);
    expect(await parseUsd(bytes)).toEqual({ rows: [], errors: [{ line: 2, message: 'The file is binary, not CSV text: it contains NUL bytes' }] });
  });

  test('invalid UTF-8 (a Latin-1 file), with its line', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('date,transaction_type,amount,description\r\n2026-01-01,expense,1,Caf'), 0xe9, 0x0d, 0x0a]);
    expect(await parseUsd(bytes)).toEqual({ rows: [], errors: [{ line: 2, message: expect.stringMatching(/^The file is not UTF-8 text/) }] });
  });

  test('UTF-16 text (Excel "Unicode text") is named as such', async () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x64, 0x00]);
    expect((await parseUsd(bytes)).errors).toEqual([{ line: 1, message: 'The file is UTF-16 text: save it as "CSV UTF-8" (comma delimited)' }]);
  });

  test('text with an unpaired surrogate', async () => {
    expect((await parseUsd('date,transaction_type,amount\n\uD800')).errors).toEqual([{ line: 1, message: expect.stringMatching(/unpaired/) }]);
  });

  test.each([
    ['a quote never closed, on the line where its record starts', lines('date,transaction_type,amount,description', '2026-01-01,expense,1,ok', '2026-01-02,expense,1,"open', 'more', 'lines'), 3, /never closed/],
    ['a quote inside a bare cell', lines('date,transaction_type,amount,description', '', '2026-01-01,expense,1,5" screen'), 3, /not quoted/],
    ['text after a closing quote', lines('date,transaction_type,amount,description', '2026-01-01,expense,1,"a"b'), 2, /followed by other characters/],
  ])('CSV syntax: %s', async (_name, text, line, message) => {
    expect(await parseUsd(text)).toEqual({ rows: [], errors: [{ line, message: expect.stringMatching(message) }] });
  });

  test('a record longer than 64 KB (a missing quote swallowing the file) is refused', async () => {
    const p = await parseUsd(lines('date,transaction_type,amount,description', `2026-01-01,expense,1,"${'x'.repeat(70_000)}`));
    expect(p.errors).toEqual([{ line: 2, message: expect.stringMatching(/longer than 64 KB/) }]);
  });
});
