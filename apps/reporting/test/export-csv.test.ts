import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ledgerV1, type reportingV1 } from '@finance/proto';
import { date, iso, rejected, startReportingHarness, stubError, wireMoney, type ReportingHarness } from './helpers.js';

// ExportTransactionsCsv against a scripted ledger stub streaming batches: the exact bytes reporting
// writes, chunk by chunk, and how a failure of the ledger ends the export. The ledger's own batching
// and order are the ledger's tests' (stream-transactions.test.ts).

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
const HEADER = 'id,date,transaction_type,amount,currency,category,description\r\n';

let seq = 0;
/** A streamed ledger transaction (expense, 12.50 USD, uncategorized unless given); ids sort in creation order. */
function tx(over: Partial<ledgerV1.StreamedTransaction> = {}): ledgerV1.StreamedTransaction {
  return {
    id: `0190f0a0-0000-7000-8000-${String(++seq).padStart(12, '0')}`,
    amount: wireMoney('1250'),
    transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE,
    date: date('2026-03-01'),
    description: '',
    categoryName: undefined,
    ...over,
  };
}

/** The ledger streams these batches (then ends, or throws `failAfter` once they are sent). */
function ledgerStreams(batches: ledgerV1.StreamedTransaction[][], failAfter?: unknown) {
  h.ledger.on('streamTransactions', async function* () {
    for (const rows of batches) yield { rows };
    if (failAfter !== undefined) throw failAfter;
  });
}

/** Every chunk of the export as UTF-8 text, pushed to `into` as it arrives (so a failed export still shows what came). */
async function exportChunks(request: reportingV1.ExportTransactionsCsvRequest, into: string[] = []): Promise<string[]> {
  for await (const response of h.client.exportTransactionsCsv(request)) into.push(Buffer.from(response.data).toString('utf8'));
  return into;
}

describe('ExportTransactionsCsv', () => {
  test('the exact CSV: header chunk, then one chunk per ledger batch; quoting, formulas, emoji, exact amounts in each own currency, category name or empty', async () => {
    const userId = h.user();
    const a = tx({ description: 'Lunch, with "Bob"', categoryName: 'Food' });
    const b = tx({ description: 'line one\nline two\r\nthree', amount: wireMoney('1000', 'JPY'), transactionType: TransactionType.TRANSACTION_TYPE_INCOME });
    const c = tx({ description: '=HYPERLINK("http://x")', categoryName: '@risk', amount: wireMoney('4750', 'KWD'), date: date('2026-03-02') });
    const d = tx({ description: '☕ café 🎉', categoryName: 'Caf\u00e9s & more 🍰', amount: wireMoney('1', 'EUR'), date: date('2026-03-02') });
    const e = tx({ description: '-5 refund', categoryName: '+1', amount: wireMoney('900719925474099312'), date: date('2026-03-03') });
    const f = tx({ description: "'=already quoted", amount: wireMoney('5') });
    ledgerStreams([[a, b], [c, d, e], [f]]);

    const chunks = await exportChunks({ userId, from: undefined, to: undefined });
    expect(chunks).toEqual([
      HEADER,
      `${a.id},2026-03-01,expense,12.50,USD,Food,"Lunch, with ""Bob"""\r\n` + `${b.id},2026-03-01,income,1000,JPY,,"line one\nline two\r\nthree"\r\n`,
      `${c.id},2026-03-02,expense,4.750,KWD,'@risk,"'=HYPERLINK(""http://x"")"\r\n` +
        `${d.id},2026-03-02,expense,0.01,EUR,Cafés & more 🍰,☕ café 🎉\r\n` +
        `${e.id},2026-03-03,expense,9007199254740993.12,USD,'+1,'-5 refund\r\n`,
      `${f.id},2026-03-01,expense,0.05,USD,,''=already quoted\r\n`,
    ]);
    expect(h.ledger.lastRequest('streamTransactions')).toEqual({ userId, from: undefined, to: undefined });
  });

  test('no transactions: the header alone; an empty batch writes no chunk', async () => {
    const userId = h.user();
    ledgerStreams([]);
    expect(await exportChunks({ userId, from: undefined, to: undefined })).toEqual([HEADER]);
    const only = tx({ description: 'x' });
    ledgerStreams([[], [only], []]);
    expect(await exportChunks({ userId, from: undefined, to: undefined })).toEqual([HEADER, `${only.id},2026-03-01,expense,12.50,USD,,x\r\n`]);
  });

  test('from and to go to the ledger as given, each optional', async () => {
    const userId = h.user();
    ledgerStreams([]);
    await exportChunks({ userId, from: date('2026-01-01'), to: date('2026-01-31') });
    const both = h.ledger.lastRequest('streamTransactions');
    expect([iso(both.from), iso(both.to)]).toEqual(['2026-01-01', '2026-01-31']);
    await exportChunks({ userId, from: undefined, to: date('2026-02-28') });
    const toOnly = h.ledger.lastRequest('streamTransactions');
    expect([toOnly.from, iso(toOnly.to)]).toEqual([undefined, '2026-02-28']);
  });

  test('from after to, an invalid date, a malformed user id → 422 REPORTING_INVALID_FIELDS, the ledger not asked', async () => {
    const userId = h.user();
    const invalid = { status: status.INVALID_ARGUMENT, httpStatus: 422, code: 'REPORTING_INVALID_FIELDS' };
    expect(await rejected(exportChunks({ userId, from: date('2026-03-02'), to: date('2026-03-01') }))).toMatchObject({
      ...invalid,
      errors: [{ path: 'from', message: 'must not be after to' }],
    });
    expect(await rejected(exportChunks({ userId, from: { year: 2026, month: 2, day: 30 }, to: undefined }))).toMatchObject({ ...invalid, errors: [{ path: 'from' }] });
    expect(await rejected(exportChunks({ userId: 'me', from: undefined, to: undefined }))).toMatchObject(invalid);
    expect(h.ledger.calls).toEqual([]);
  });

  test('the ledger failing before its first batch: the error, and not a byte of CSV (not even the header)', async () => {
    const userId = h.user();
    h.ledger.fail('streamTransactions', stubError('unavailable', 'LEDGER_UNAVAILABLE'));
    const chunks: string[] = [];
    expect(await rejected(exportChunks({ userId, from: undefined, to: undefined }, chunks))).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'LEDGER_UNAVAILABLE' });
    expect(chunks).toEqual([]);

    h.ledger.fail('streamTransactions', stubError('unauthenticated', 'LEDGER_USER_NOT_FOUND'));
    expect(await rejected(exportChunks({ userId, from: undefined, to: undefined }, chunks))).toMatchObject({ status: status.UNAUTHENTICATED, code: 'REPORTING_USER_NOT_FOUND' });
    expect(chunks).toEqual([]);
  });

  test('the ledger failing mid-stream ends the export with the error, never a clean end', async () => {
    const userId = h.user();
    const first = tx({ description: 'first' });
    ledgerStreams([[first], [tx({ description: 'second' })]], stubError('unavailable', 'LEDGER_UNAVAILABLE'));
    const chunks: string[] = [];
    expect(await rejected(exportChunks({ userId, from: undefined, to: undefined }, chunks))).toMatchObject({ status: status.UNAVAILABLE, code: 'LEDGER_UNAVAILABLE' });
    // What arrived before the status is a prefix of the export (grpc-js may drop unread items on failure).
    expect([HEADER, `${first.id},2026-03-01,expense,12.50,USD,,first\r\n`].slice(0, chunks.length)).toEqual(chunks.slice(0, 2));

    // A fault of the ledger (its stream throwing a plain error) is no clean end either.
    ledgerStreams([[first]], new Error('boom'));
    expect((await rejected(exportChunks({ userId, from: undefined, to: undefined }))).status).not.toBe(status.OK);
  });
});
