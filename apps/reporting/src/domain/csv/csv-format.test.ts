import { describe, expect, test } from '@jest/globals';
import { money } from '@finance/money';
import { formatExportHeader, formatExportRow, formatExportRows, toExportRecord, type ExportTransaction } from './csv-format.js';

const ID = '0b6f9a44-2f4e-4c1e-9a43-5d1c2b3a4e5f';
const coffee = (over: Partial<ExportTransaction> = {}): ExportTransaction => ({
  id: ID,
  date: '2026-01-05',
  type: 'expense',
  amount: money(450n, 'USD'),
  categoryName: 'Food',
  description: 'Coffee',
  ...over,
});

describe('formatExportHeader', () => {
  test('the columns of the contract, CRLF-terminated', () => {
    expect(formatExportHeader()).toBe('id,date,transaction_type,amount,currency,category,description\r\n');
  });

  test('with a BOM for Excel when asked', () => {
    expect(formatExportHeader({ bom: true })).toBe('\uFEFFid,date,transaction_type,amount,currency,category,description\r\n');
  });
});

describe('formatExportRow', () => {
  test('a plain row: bare cells, amount with the currency minor digits', () => {
    expect(formatExportRow(coffee())).toBe(`${ID},2026-01-05,expense,4.50,USD,Food,Coffee\r\n`);
  });

  test('amounts in 0- and 3-digit currencies; no category is an empty cell', () => {
    expect(formatExportRow(coffee({ amount: money(1000n, 'JPY'), categoryName: null, type: 'income' }))).toBe(`${ID},2026-01-05,income,1000,JPY,,Coffee\r\n`);
    expect(formatExportRow(coffee({ amount: money(4750n, 'KWD') }))).toBe(`${ID},2026-01-05,expense,4.750,KWD,Food,Coffee\r\n`);
  });

  test('RFC 4180 quoting: commas, quotes, CRLF, a lone CR and a lone LF', () => {
    expect(formatExportRow(coffee({ description: 'Milk, eggs' }))).toBe(`${ID},2026-01-05,expense,4.50,USD,Food,"Milk, eggs"\r\n`);
    expect(formatExportRow(coffee({ description: 'The "best" one' }))).toBe(`${ID},2026-01-05,expense,4.50,USD,Food,"The ""best"" one"\r\n`);
    expect(formatExportRow(coffee({ description: 'a\r\nb' }))).toBe(`${ID},2026-01-05,expense,4.50,USD,Food,"a\r\nb"\r\n`);
    expect(formatExportRow(coffee({ description: 'a\rb' }))).toBe(`${ID},2026-01-05,expense,4.50,USD,Food,"a\rb"\r\n`);
    expect(formatExportRow(coffee({ description: 'a\nb' }))).toBe(`${ID},2026-01-05,expense,4.50,USD,Food,"a\nb"\r\n`);
  });

  test('formulas are neutralised in category and description; the quote goes inside the quoting', () => {
    expect(formatExportRow(coffee({ categoryName: '=HYPERLINK("x")', description: '@SUM(1,2)' }))).toBe(
      `${ID},2026-01-05,expense,4.50,USD,"'=HYPERLINK(""x"")","'@SUM(1,2)"\r\n`,
    );
    expect(toExportRecord(coffee({ description: "'-1" })).at(-1)).toBe("''-1");
  });

  test('emoji and other scripts pass as UTF-8 text', () => {
    expect(formatExportRow(coffee({ description: 'Café ☕️ 😀', categoryName: 'Еда' }))).toBe(`${ID},2026-01-05,expense,4.50,USD,Еда,Café ☕️ 😀\r\n`);
  });
});

describe('formatExportRows', () => {
  test('a batch is the rows one after the other; an empty batch is empty', () => {
    const a = coffee();
    const b = coffee({ description: 'x,y' });
    expect(formatExportRows([a, b])).toBe(formatExportRow(a) + formatExportRow(b));
    expect(formatExportRows([])).toBe('');
  });
});
