// Property: the hand-written export encoder (csv-format.ts) writes exactly the bytes the export
// wrote when it was csv-stringify with formula neutralisation by regex: the same text for any batch
// of transactions, whatever their cells hold (CSV syntax, line breaks of every kind, formula
// triggers after runs of quotes, lone surrogates, any code point). Issue 13's P4 made the encoder
// faster; a downloaded file must not change by a byte.
import { describe, expect, test } from '@jest/globals';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { daysInMonth, fromCalendarDate, type IsoDate } from '@finance/calendar';
import { formatMoney, listCurrencies, MAX_STORED_MINOR, money } from '@finance/money';
import { encodeExportRows, EXPORT_COLUMNS, formatExportHeader, formatExportRow, formatExportRows, type ExportTransaction } from './csv-format.js';
import { FORMULA_TRIGGERS } from './neutralise.js';

// The encoder as it was: csv-stringify with these options over cells neutralised by these patterns.
const REFERENCE_OPTIONS = { delimiter: ',', record_delimiter: 'windows', quote_record_delimiter: true, escape_formulas: false } as const;
const TRIGGER_FIRST = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const QUOTES_THEN_TRIGGER = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const referenceNeutralise = (value: string) => (TRIGGER_FIRST.test(value) || QUOTES_THEN_TRIGGER.test(value) ? `'${value}` : value);
const referenceRows = (transactions: readonly ExportTransaction[]) =>
  transactions.length === 0
    ? ''
    : stringify(
        transactions.map((t) => [t.id, t.date, t.type, formatMoney(t.amount), t.amount.currency, t.categoryName ?? '', t.description].map(referenceNeutralise)),
        REFERENCE_OPTIONS,
      );

/** Text dense in what quoting and neutralisation look at, or any code point (lone surrogates too). */
const cellText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...FORMULA_TRIGGERS, "'", "'", '"', ',', '\r', '\n', '\r\n', ' ', 'a', '😀', '\u0301', '\uFEFF'), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
);

const amountArb = fc
  .constantFrom(...listCurrencies())
  .chain((currency) => fc.bigInt({ min: 1n, max: MAX_STORED_MINOR }).map((minor) => money(minor, currency.code)));

const transactionArb: fc.Arbitrary<ExportTransaction> = fc.record({
  // Not only uuids: the encoder must not rely on what the other cells usually look like.
  id: fc.oneof(fc.uuid(), cellText),
  date: fc
    .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map(({ year, month, day }) => fromCalendarDate({ year, month, day: Math.min(day, daysInMonth(year, month)) }) as IsoDate),
  type: fc.constantFrom('income' as const, 'expense' as const),
  amount: amountArb,
  categoryName: fc.option(cellText, { nil: null }),
  description: cellText,
});

describe('the export encoder against csv-stringify', () => {
  test('the header is what csv-stringify wrote', () => {
    expect(formatExportHeader()).toBe(stringify([[...EXPORT_COLUMNS]], REFERENCE_OPTIONS));
  });

  test('any batch is encoded byte for byte as before', () => {
    fc.assert(
      fc.property(fc.array(transactionArb, { maxLength: 20 }), (transactions) => {
        expect(formatExportRows(transactions)).toBe(referenceRows(transactions));
      }),
      { numRuns: 2000 },
    );
  });

  test('the bytes a stream sends are that text in UTF-8, lone surrogates included (as U+FFFD, as Buffer.from wrote them)', () => {
    fc.assert(
      fc.property(fc.array(transactionArb, { maxLength: 20 }), (transactions) => {
        expect(Buffer.from(encodeExportRows(transactions))).toEqual(Buffer.from(referenceRows(transactions), 'utf8'));
      }),
      { numRuns: 1000 },
    );
  });

  test('the byte array grows as long as it takes: rows far longer than the first guess, in 1- to 4-byte characters', () => {
    const long = (unit: string, i: number): ExportTransaction => ({
      id: `id-${i}`,
      date: '2026-01-05',
      type: 'expense',
      amount: money(BigInt(i + 1), 'USD'),
      categoryName: unit.repeat(100),
      description: `"${unit.repeat(998)},`,
    });
    const batch = ['a', 'é', '€', '😀', '"'].flatMap((unit) => Array.from({ length: 40 }, (_, i) => long(unit, i)));
    const bytes = encodeExportRows(batch);
    expect(bytes.length).toBeGreaterThan(batch.length * 128 * 4);
    expect(Buffer.from(bytes)).toEqual(Buffer.from(referenceRows(batch), 'utf8'));
    expect(encodeExportRows([])).toHaveLength(0);
  });

  test('any single row too', () => {
    fc.assert(
      fc.property(transactionArb, (t) => {
        expect(formatExportRow(t)).toBe(referenceRows([t]));
      }),
      { numRuns: 2000 },
    );
  });
});
