// Property: an exported file imports back unchanged. Random transactions (every currency and its
// precision, dates in years 1–9999, category names and descriptions full of commas, quotes, line
// breaks, formula triggers and emoji) → formatExportHeader + formatExportRows → parseImportCsv →
// the same values, with no error, in the same order; read a slice at a time (ImportFileReader), too.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { daysInMonth, fromCalendarDate, type IsoDate } from '@finance/calendar';
import { formatMoney, listCurrencies, MAX_STORED_MINOR, money } from '@finance/money';
import { formatExportHeader, formatExportRows, type ExportTransaction } from './csv-format.js';
import { ImportFileReader, parseImportCsv, type ImportRow } from './import-rows.js';
import { FORMULA_TRIGGERS } from './neutralise.js';

const dateArb = fc
  .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => fromCalendarDate({ year, month, day: Math.min(day, daysInMonth(year, month)) }) as IsoDate);

const amountArb = fc.constantFrom(...listCurrencies()).chain((currency) => {
  const largest = 10n ** BigInt(15 + currency.minorUnits) - 1n; // 15 integer digits
  return fc.bigInt({ min: 1n, max: largest < MAX_STORED_MINOR ? largest : MAX_STORED_MINOR }).map((minor) => money(minor, currency.code));
});

/** Text as users type it, and worse: CSV and formula syntax, line breaks of every kind, emoji, combining marks, any code point. */
const textArb = (maxLength: number) =>
  fc
    .oneof(
      fc.string({ unit: fc.constantFrom(...FORMULA_TRIGGERS, "'", '"', ',', '\r', '\n', '\r\n', ' ', 'a', 'Z', '😀', '👩‍👩‍👧', 'é', '\u0301', '\uFEFF'), maxLength }),
      fc.string({ unit: 'binary', maxLength }),
      fc.string({ unit: 'grapheme', maxLength }),
    )
    .filter((s) => s.isWellFormed() && !s.includes('\u0000') && [...s].length <= maxLength);

/** A category name as the ledger stores it: trimmed, 1 to 100 characters. */
const categoryArb = fc.option(
  textArb(100)
    .map((s) => s.trim())
    .filter((s) => s !== ''),
  { nil: null },
);

const transactionArb: fc.Arbitrary<ExportTransaction> = fc.record({
  id: fc.uuid(),
  date: dateArb,
  type: fc.constantFrom('income' as const, 'expense' as const),
  amount: amountArb,
  categoryName: categoryArb,
  description: textArb(1000),
});

const valuesOf = (t: Omit<ExportTransaction, 'id'>) => [t.date, t.type, formatMoney(t.amount), t.amount.currency, t.categoryName, t.description];

describe('export → import round trip', () => {
  test('every transaction comes back with the same values, on the line where its record starts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(transactionArb, { maxLength: 12 }), fc.boolean(), fc.boolean(), async (transactions, bom, asBytes) => {
        const text = formatExportHeader({ bom }) + formatExportRows(transactions);
        const parsed = await parseImportCsv(asBytes ? new TextEncoder().encode(text) : text, { baseCurrency: 'EUR' });
        expect(parsed.errors).toEqual([]);
        expect(parsed.rows.map(valuesOf)).toEqual(transactions.map(valuesOf));
        // Each record starts one line after the previous one ends: the header's 1, plus the line breaks of earlier records.
        let line = 2;
        for (const [i, row] of parsed.rows.entries()) {
          expect(row.line).toBe(line);
          const record = formatExportRows([transactions[i]!]);
          line += record.match(/\r\n|\r|\n/g)!.length;
        }
      }),
      { numRuns: 300 },
    );
  });

  test('read a slice at a time, with any slice size and any next(max), the rows are those of one big read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(transactionArb, { maxLength: 12 }), fc.boolean(), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 4 }), async (transactions, bom, slice, max) => {
        const bytes = new TextEncoder().encode(formatExportHeader({ bom }) + formatExportRows(transactions)); // slices cut UTF-8 sequences and CRLFs too
        const reader = new ImportFileReader(bytes, { baseCurrency: 'EUR' }, slice);
        const rows: ImportRow[] = [];
        for (let more = await reader.next(max); more.length; more = await reader.next(max)) {
          expect(more.length).toBeLessThanOrEqual(max);
          rows.push(...more);
        }
        expect(reader.errors).toEqual([]);
        expect(reader.records).toBe(transactions.length);
        expect(rows).toEqual((await parseImportCsv(bytes, { baseCurrency: 'EUR' })).rows);
        expect(rows.map(valuesOf)).toEqual(transactions.map(valuesOf));
      }),
      { numRuns: 300 },
    );
  });

  test('any description survives export → import', async () => {
    await fc.assert(
      fc.asyncProperty(textArb(1000), async (description) => {
        const t: ExportTransaction = { id: '0b6f9a44-2f4e-4c1e-9a43-5d1c2b3a4e5f', date: '2026-01-05', type: 'expense', amount: money(1n, 'USD'), categoryName: null, description };
        const parsed = await parseImportCsv(formatExportHeader() + formatExportRows([t]), { baseCurrency: 'USD' });
        expect(parsed.errors).toEqual([]);
        expect(parsed.rows[0]!.description).toBe(description);
      }),
      { numRuns: 2000 },
    );
  });
});
