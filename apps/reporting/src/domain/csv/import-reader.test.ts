// ImportFileReader: the import file read a piece at a time gives what parseImportCsv gives for the
// whole file (the rows, every problem, the same line numbers), however the file is cut into slices
// for the CSV parser and however many rows each next(max) asks for.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ImportFileReader, parseImportCsv, type ImportError, type ImportRow } from './import-rows.js';

const USD = { baseCurrency: 'USD' };
const HEADER = 'date,transaction_type,amount,currency,description';

/** A row problem names its column or its cell count; anything else is a file-level problem. */
const isRowProblem = (e: ImportError) => /^(date|transaction_type|amount|currency|category|description): |^has \d+ cells /.test(e.message);
const hasFileLevelProblem = (errors: readonly ImportError[]) => errors.some((e) => !isRowProblem(e));

/** Every next(max) answer until [] (checking none is larger than asked), then that [] stays. */
async function readAll(reader: ImportFileReader, max: number | ((call: number) => number)): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  for (let call = 0; ; call++) {
    const asked = typeof max === 'number' ? max : max(call);
    const more = await reader.next(asked);
    expect(more.length).toBeLessThanOrEqual(asked);
    if (more.length === 0) break;
    rows.push(...more);
  }
  expect(await reader.next(1)).toEqual([]);
  expect(await reader.next(1000)).toEqual([]);
  return rows;
}

/**
 * The reader against parseImportCsv: the same errors; the same rows, or, after a file-level problem,
 * only rows of records before it (returned before it was found: not taken back); `records` counts the
 * valid rows and the records with problems.
 */
async function expectSameAsWholeFile(input: string | Uint8Array, max: number | ((call: number) => number), sliceBytes?: number): Promise<void> {
  const whole = await parseImportCsv(input, USD);
  const reader = new ImportFileReader(input, USD, sliceBytes);
  const rows = await readAll(reader, max);
  expect(reader.errors).toEqual(whole.errors);
  if (hasFileLevelProblem(whole.errors)) {
    expect(whole.rows).toEqual([]);
    for (const row of rows) expect(row.line).toBeLessThan(whole.errors[0]!.line);
  } else {
    expect(rows).toEqual(whole.rows);
    expect(reader.records).toBe(whole.rows.length + new Set(whole.errors.map((e) => e.line)).size);
  }
}

const files: [string, string][] = [
  ['multi-line quoted cells, LF', [HEADER, '2026-01-01,expense,1,USD,"two', 'lines"', '2026-01-02,income,2,,"three', '', 'lines, ""quoted"""', '2026-01-03,expense,-1,,bad', '2026-01-04,expense,4,JPY,ok', ''].join('\n')],
  ['multi-line quoted cells, CRLF', [HEADER, '2026-01-01,expense,1,USD,"two', 'lines"', '2026-01-02,income,2,,"three', '', 'lines"', '2026-01-03,expense,-1,,bad', '2026-01-04,expense,4,JPY,ok', ''].join('\r\n')],
  ['multi-line quoted cells, CR', [HEADER, '2026-01-01,expense,1,USD,"two', 'lines"', '2026-01-02,income,2,,"three', '', 'lines"', '2026-01-03,expense,-1,,bad', '2026-01-04,expense,4,JPY,ok', ''].join('\r')],
  ['mixed line endings', `${HEADER}\r\n2026-01-01,expense,1,,a\n\r\n2026-01-02,expense,x,,b\r2026-01-03,expense,3,,"c\r\nd"\n2026-01-04,expense,4,,e`],
  ['a BOM', `\uFEFF${HEADER}\n2026-01-01,expense,1,,Café ☕\n2026-01-02,income,2,EUR,😀\n`],
  ['bad rows among good ones', [HEADER, '2026-01-01,expense,1,,ok', '2026-02-30,gift,-1,ABC,', '2026-01-02,expense,1.001,USD,', '2026-01-03,expense,1', '2026-01-04,income,5,,ok', '2026-01-05,expense,0,,', ''].join('\n')],
  ['blank lines and all-empty records', [HEADER, '', '2026-01-01,expense,1,,a', ',,,,', '  ,  , ,,', '', '', '2026-01-02,expense,2,,b', '', ''].join('\n')],
  ['no line break after the last record', [HEADER, '2026-01-01,expense,1,,a', '2026-01-02,expense,2,,"b', 'c"'].join('\r\n')],
  ['a header alone', `${HEADER}\r\n`],
  ['a quote never closed at the end', [HEADER, '2026-01-01,expense,1,,a', '2026-01-02,expense,x,,bad', '2026-01-03,expense,3,,c', '2026-01-04,expense,4,,"open', 'more'].join('\n')],
  ['a quote inside a bare cell after some rows', [HEADER, '2026-01-01,expense,1,,a', '2026-01-02,expense,2,,b', '2026-01-03,expense,3,,5" screen', '2026-01-04,expense,4,,d'].join('\n')],
  ['text after a closing quote', [HEADER, '2026-01-01,expense,1,,a', '2026-01-02,expense,2,,"b"c', '2026-01-03,expense,3,,d'].join('\n')],
  ['a record longer than 64 KB', [HEADER, '2026-01-01,expense,1,,a', `2026-01-02,expense,2,,"${'x'.repeat(70_000)}`].join('\n')],
  ['a header problem', ['date,transaction_type,amount,descripton', '2026-01-01,expense,1,a', '2026-01-02,expense,-1,b'].join('\n')],
  ['a header problem, then a quote never closed', ['date,amount', '2026-01-01,1', '2026-01-02,"open'].join('\n')],
  ['an empty file', ''],
  ['blank lines only', '\r\n\n\r'],
];

describe('ImportFileReader: the same rows and problems as parseImportCsv', () => {
  const cases = files.flatMap(([name, text]) => [1, 2, 3, 1000].flatMap((max) => [undefined, 1, 7].map((slice) => [name, max, slice ?? 'default', text] as const)));

  test.each(cases)('%s: next(%d), slices of %s bytes', async (_name, max, slice, text) => {
    await expectSameAsWholeFile(text, max, slice === 'default' ? undefined : slice);
  });

  test.each(files)('%s: as bytes, cut into slices of every size from 1 to 40 bytes', async (_name, text) => {
    const bytes = new TextEncoder().encode(text);
    for (let slice = 1; slice <= 40; slice++) await expectSameAsWholeFile(bytes, 2, slice);
  });

  test.each([
    ['NUL bytes', new Uint8Array([...new TextEncoder().encode(`${HEADER}\n2026`), 0, 1])],
    ['invalid UTF-8', new Uint8Array([...new TextEncoder().encode(`${HEADER}\r\n2026-01-01,expense,1,,Caf`), 0xe9, 0x0d, 0x0a])],
    ['UTF-16', new Uint8Array([0xff, 0xfe, 0x64, 0x00])],
  ])('an encoding problem (%s) is known before the first next(): no row is handed on', async (_name, bytes) => {
    const reader = new ImportFileReader(bytes, USD);
    const { errors } = await parseImportCsv(bytes, USD);
    expect(errors).toHaveLength(1);
    expect(reader.errors).toEqual(errors);
    expect(await reader.next(1)).toEqual([]);
    expect(reader.errors).toEqual(errors);
    expect(reader.records).toBe(0);
  });

  test('a file of many 64 KB slices, records cut anywhere by their ends', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 5000; i++) {
      const description = [`Row ${i}`, `Lunch, with "friends" #${i}`, `Two\nlines ${i}`, `Café ☕ ${i}`, `=SUM(A${i})`, ''][i % 6]!;
      const amount = i % 997 === 0 ? '-1' : `${1 + (i % 500)}.${String(i % 100).padStart(2, '0')}`;
      lines.push(`2026-01-${String(1 + (i % 28)).padStart(2, '0')},${i % 10 ? 'expense' : 'income'},${amount},${i % 7 === 3 ? 'EUR' : ''},"${description.replaceAll('"', '""')}"`);
    }
    const text = `${lines.join('\r\n')}\r\n`;
    expect(new TextEncoder().encode(text).length).toBeGreaterThan(3 * 64 * 1024);
    const whole = await parseImportCsv(text, USD);
    expect(whole.rows).toHaveLength(4994);
    expect(whole.errors).toHaveLength(6);
    for (const max of [1, 3, 1000, 4096]) await expectSameAsWholeFile(text, max);
    await expectSameAsWholeFile(text, (call) => [1, 500, 2, 7000, 3][call % 5]!, 1000);
  });
});

describe('ImportFileReader: reading a piece at a time', () => {
  const text = [HEADER, '2026-01-01,expense,1,,a', '2026-02-30,gift,1,,bad', '', ',,,,', '2026-01-02,expense,2,,b', '2026-01-03,expense,x,,bad', '2026-01-04,expense,4,,c', ''].join('\n');

  test('rows come in file order, never more than asked; records and errors follow what is read', async () => {
    const reader = new ImportFileReader(text, USD, 1); // a byte at a time: it reads no further than it must
    expect(reader.records).toBe(0);
    expect((await reader.next(1)).map((r) => r.line)).toEqual([2]);
    expect(reader.errors).toEqual([]);
    expect(reader.records).toBe(1);
    expect((await reader.next(1)).map((r) => r.line)).toEqual([6]); // blank line and all-empty record skipped, not counted
    expect(reader.errors).toEqual([
      { line: 3, message: 'date: is not a valid calendar date (YYYY-MM-DD, years 1 to 9999)' },
      { line: 3, message: 'transaction_type: must be "income" or "expense"' },
    ]);
    expect(reader.records).toBe(3);
    expect((await reader.next(5)).map((r) => r.line)).toEqual([8]);
    expect(reader.errors.map((e) => e.line)).toEqual([3, 3, 7]);
    expect(reader.records).toBe(5);
    expect(await reader.next(5)).toEqual([]);
    expect(reader.records).toBe(5);
  });

  test('records = valid rows returned so far + records with problems (problems of a whole slice are known at once)', async () => {
    const reader = new ImportFileReader(text, USD); // one slice holds the whole file
    expect((await reader.next(1)).map((r) => r.line)).toEqual([2]);
    expect(reader.errors.map((e) => e.line)).toEqual([3, 3, 7]);
    expect(reader.records).toBe(1 + 2);
    expect((await reader.next(2)).map((r) => r.line)).toEqual([6, 8]);
    expect(reader.records).toBe(3 + 2);
    expect(await reader.next(1)).toEqual([]);
  });

  test('a file-level problem found after rows were returned: those stay returned, errors holds it alone, then []', async () => {
    const broken = [HEADER, '2026-01-01,expense,1,,a', '2026-01-02,expense,x,,bad', '2026-01-03,expense,3,,c', '2026-01-04,expense,4,,"never', 'closed'].join('\n');
    const reader = new ImportFileReader(broken, USD, 4);
    expect((await reader.next(1)).map((r) => r.line)).toEqual([2]);
    expect((await reader.next(1)).map((r) => r.line)).toEqual([4]);
    expect(reader.errors).toEqual([{ line: 3, message: expect.stringMatching(/^amount: /) }]);
    expect(await reader.next(1)).toEqual([]);
    expect(reader.errors).toEqual([{ line: 5, message: 'a quoted cell starting on this line is never closed: a closing " is missing' }]);
    expect(await reader.next(1)).toEqual([]);
    expect(await parseImportCsv(broken, USD)).toEqual({ rows: [], errors: reader.errors });
  });

  test('a file-level problem drops the rows read with it but not returned yet: none is returned after it', async () => {
    const broken = [HEADER, '2026-01-01,expense,1,,a', '2026-01-02,expense,2,,b', '2026-01-03,expense,3,,5" screen', '2026-01-04,expense,4,,d'].join('\n');
    const reader = new ImportFileReader(broken, USD); // one slice: rows 2 and 3 are read with the problem
    expect(await reader.next(1)).toEqual([]);
    expect(reader.errors).toEqual([{ line: 4, message: 'a " appears inside a cell that is not quoted: quote the whole cell and write the " as ""' }]);
  });

  test('a CSV syntax problem after a header problem takes its place (as parseImportCsv always answered)', async () => {
    const text = ['date,amount', '2026-01-01,1', '2026-01-02,"open'].join('\n');
    const errors = [{ line: 3, message: 'a quoted cell starting on this line is never closed: a closing " is missing' }];
    for (const slice of [1, 5, undefined]) {
      const reader = new ImportFileReader(text, USD, slice);
      expect(await reader.next(1)).toEqual([]);
      expect(reader.errors).toEqual(errors);
    }
    expect(await parseImportCsv(text, USD)).toEqual({ rows: [], errors });
  });

  test('a header problem: no row at all, only the header problems', async () => {
    const reader = new ImportFileReader(['date,amount,Amount', '2026-01-01,1,2'].join('\n'), USD, 3);
    expect(await reader.next(1)).toEqual([]);
    expect(reader.errors).toEqual([
      { line: 1, message: expect.stringMatching(/^header: the required column "transaction_type" is missing/) },
      { line: 1, message: 'header: the column "amount" appears more than once' },
    ]);
    expect(reader.records).toBe(0);
  });

  test('calls made without waiting are answered one after the other, in order', async () => {
    const reader = new ImportFileReader(text, USD, 5);
    const answers = await Promise.all([reader.next(1), reader.next(1), reader.next(1), reader.next(1)]);
    expect(answers.map((rows) => rows.map((r) => r.line))).toEqual([[2], [6], [8], []]);
  });

  test('max is a positive integer (or Infinity, for the rest of the file)', async () => {
    const reader = new ImportFileReader(text, USD);
    for (const max of [0, -1, 1.5, Number.NaN]) await expect(reader.next(max)).rejects.toThrow(RangeError);
    expect((await reader.next(Infinity)).map((r) => r.line)).toEqual([2, 6, 8]);
    expect(() => new ImportFileReader(text, USD, 0)).toThrow(RangeError);
  });
});

/** Files as people and spreadsheets write them, and worse: good and bad rows, blank lines, quoted line breaks, stray quotes, a header problem now and then. */
const cellArb = fc.constantFrom('2026-01-01', '2026-02-30', 'expense', 'income', '1', '1.5', '-1', 'USD', 'JPY', 'x', '', ' ', '"a\r\nb"', '"q""uote, c"', '"\n"', '😀é', '"\r"');
const eolArb = fc.constantFrom('\n', '\r\n', '\r');
const recordArb = fc
  .tuple(fc.constantFrom('2026-01-01', '2026-13-01', ''), fc.constantFrom('expense', 'income', 'gift'), fc.constantFrom('1', '2.50', '0', '1.001', ''), cellArb, fc.array(cellArb, { maxLength: 1 }), eolArb)
  .map(([date, type, amount, description, extra, eol]) => [date, type, amount, description, ...extra].join(',') + eol);
const junkArb = fc.array(fc.constantFrom(',', '"', '""', '\r', '\n', '\r\n', 'x', '2026-01-01', ' ', 'é', '😀', '\uFEFF'), { maxLength: 10 }).map((t) => t.join(''));
const fileArb = fc
  .tuple(
    fc.boolean(),
    fc.constantFrom('date,transaction_type,amount,description\n', 'Amount , DATE,transaction_type,description\r\n', 'date,transaction_type,amount,description\r', 'date,amount,description\n', 'date,transaction_type,amount,descripton\n', ''),
    fc.array(fc.oneof({ arbitrary: recordArb, weight: 12 }, { arbitrary: eolArb, weight: 2 }, { arbitrary: junkArb, weight: 1 }), { maxLength: 25 }),
  )
  .map(([bom, header, records]) => (bom ? '\uFEFF' : '') + header + records.join(''));

describe('ImportFileReader: properties', () => {
  test('any slicing of the file and any sequence of next(max) give the same rows and problems as one big read', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.integer({ min: 1, max: 64 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 }), fc.boolean(), async (text, slice, maxes, asBytes) => {
        const input = asBytes ? new TextEncoder().encode(text) : text;
        await expectSameAsWholeFile(input, (call) => maxes[call % maxes.length]!, slice);
      }),
      { numRuns: 500 },
    );
  });
});
