import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { namespacedStream } from '@finance/events';
import { inspector, streamMessages, waitFor } from '@finance/testing';
import type { ledgerV1 } from '@finance/proto';
import { countRows, createCategory, date, EXPENSE, INCOME, newTransaction, registerUser, rejected, startLedgerHarness, SumGrouping, type LedgerHarness } from './helpers.js';

// ImportTransactions (issue 13): a whole file's rows in one database transaction, all or nothing,
// duplicates skipped counting multiplicity, categories created by name once, one created event per row.

let h: LedgerHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startLedgerHarness();
  nats = await inspector();
});

afterAll(async () => {
  await nats?.nc.close();
  await h?.close();
});

type Row = ledgerV1.ImportRow;

function row(over: Partial<Row> = {}): Row {
  return { amount: '4.50', currency: 'USD', transactionType: EXPENSE, date: date('2026-01-05'), description: 'Coffee', categoryName: 'Food', ...over };
}

const importRows = (userId: string, rows: Row[], extra: Partial<ledgerV1.ImportTransactionsRequest> = {}) =>
  h.client.importTransactions([{ userId, rows, dryRun: false, endOfRows: true, ...extra }]);

/** The user's transactions as comparable tuples, by date, amount, description. */
async function stored(userId: string) {
  return h.orm.em.fork().execute<{ date: string; type: string; amount_minor: string; currency: string; description: string; category: string | null }[]>(
    `select t.date::text as date, t.transaction_type as type, t.amount_minor::text as amount_minor, t.currency, t.description, c.name as category
       from ledger.transaction t left join ledger.category c on c.id = t.category_id
      where t.user_id = ? order by t.date, t.amount_minor, t.description`,
    [userId],
  );
}

async function categoryNames(userId: string) {
  const rows = await h.orm.em.fork().execute<{ name: string; color: string; icon: string | null }[]>(
    'select name, color, icon from ledger.category where user_id = ? order by lower(name)',
    [userId],
  );
  return rows;
}

async function outboxCount(userId: string) {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>("select count(*)::int as n from ledger.outbox_message where payload->>'user_id' = ?", [userId]);
  return row!.n;
}

const answer = (imported: number, skipped: number, categoriesCreated: number, replayed = false) => ({
  imported: String(imported),
  skippedDuplicates: String(skipped),
  categoriesCreated: String(categoriesCreated),
  replayed,
});

describe('ImportTransactions', () => {
  test('writes every row with exact amounts (USD, JPY, KWD), creating categories once by name, case-insensitively, and reusing existing ones', async () => {
    const userId = registerUser(h);
    const rent = await createCategory(h, userId, 'Rent', '#112233');
    const rows = [
      row({ amount: '12.34', categoryName: 'Food' }),
      row({ amount: '1500', currency: 'JPY', categoryName: 'food', description: 'Ramen' }),
      row({ amount: '0.125', currency: 'KWD', categoryName: '  FOOD ', description: 'Tea' }),
      row({ amount: '900.00', categoryName: 'rent', description: 'January', date: date('2026-01-01') }),
      row({ amount: '2500.00', transactionType: INCOME, categoryName: undefined, description: 'Salary, "net"', date: date('2026-01-31') }),
      row({ amount: '99999999999.99', categoryName: 'Travel', description: '', date: date('2026-02-28') }),
    ];
    expect(await importRows(userId, rows)).toEqual(answer(6, 0, 2));
    expect(await stored(userId)).toEqual([
      { date: '2026-01-01', type: 'expense', amount_minor: '90000', currency: 'USD', description: 'January', category: 'Rent' },
      { date: '2026-01-05', type: 'expense', amount_minor: '125', currency: 'KWD', description: 'Tea', category: 'Food' },
      { date: '2026-01-05', type: 'expense', amount_minor: '1234', currency: 'USD', description: 'Coffee', category: 'Food' },
      { date: '2026-01-05', type: 'expense', amount_minor: '1500', currency: 'JPY', description: 'Ramen', category: 'Food' },
      { date: '2026-01-31', type: 'income', amount_minor: '250000', currency: 'USD', description: 'Salary, "net"', category: null },
      { date: '2026-02-28', type: 'expense', amount_minor: '9999999999999', currency: 'USD', description: '', category: 'Travel' },
    ]);
    // "Food", "food" and "FOOD" are one category, spelt as first seen; "rent" is the existing "Rent".
    expect(await categoryNames(userId)).toEqual([
      { name: 'Food', color: '#9E9E9E', icon: null },
      { name: 'Rent', color: '#112233', icon: null },
      { name: 'Travel', color: '#9E9E9E', icon: null },
    ]);
    const listed = await h.client.listTransactions({ userId, page: { limit: 10, cursor: '' }, from: undefined, to: undefined, transactionType: 0, categoryId: rent.id });
    expect(listed.items.map((t) => t.amount)).toEqual([{ minorUnits: '90000', currency: 'USD' }]);
    // The daily totals follow the COPY (statement-level triggers).
    const sums = await h.client.sumTransactions({ userId, from: date('2026-01-01'), to: date('2026-12-31'), transactionType: EXPENSE, grouping: SumGrouping.SUM_GROUPING_YEAR, categoryIds: [], currencies: ['USD'] });
    expect(sums.rows.map((r) => r.total)).toEqual([{ minorUnits: String(1234 + 90000 + 9999999999999), currency: 'USD' }]);
  });

  test("descriptions and category names with tabs, newlines, CR, backslashes, \\N as text and emoji are stored exactly (COPY's text format); re-importing skips them all", async () => {
    const userId = registerUser(h);
    const hostile = [
      'tab\tinside',
      'two\nlines',
      'windows\r\nline end',
      'lone\rCR',
      'back\\slash',
      '\\N',
      '\\.',
      '\\',
      'ends with a backslash \\',
      '\\t is not a tab',
      'emoji 🧾☕👩‍👩‍👧 ünïcödé',
      '',
    ];
    const rows = hostile.map((description, i) => row({ amount: `${i + 1}.00`, description, categoryName: i % 2 ? 'Tab\there \\N' : 'Café ☕' }));
    expect(await importRows(userId, rows)).toEqual(answer(hostile.length, 0, 2));
    const byAmount = new Map((await stored(userId)).map((t) => [t.amount_minor, t]));
    hostile.forEach((description, i) => {
      expect(byAmount.get(String((i + 1) * 100))).toMatchObject({ description, category: i % 2 ? 'Tab\there \\N' : 'Café ☕' });
    });
    expect(await outboxCount(userId)).toBe(hostile.length);
    expect(await importRows(userId, rows)).toEqual(answer(0, hostile.length, 0));
  });

  test('an empty import is valid and imports nothing', async () => {
    const userId = registerUser(h);
    expect(await importRows(userId, [])).toEqual(answer(0, 0, 0));
    expect(await countRows(h, 'transaction', userId)).toBe(0);
  });

  test('duplicates count with multiplicity: two coffees in the file and one stored → one imported; re-importing imports nothing', async () => {
    const userId = registerUser(h);
    const food = await createCategory(h, userId, 'FOOD');
    await h.client.createTransaction(newTransaction(userId, { amount: '4.50', description: 'Coffee', date: date('2026-01-05'), categoryId: food.id }));
    const file = [row(), row(), row({ description: 'coffee' }), row({ categoryName: undefined }), row({ amount: '4.5', date: date('2026-01-06') })];
    // The stored coffee (category "FOOD", the file says "Food") matches one of the two.
    expect(await importRows(userId, file)).toEqual(answer(4, 1, 0));
    expect(await countRows(h, 'transaction', userId)).toBe(5);
    expect(await importRows(userId, file)).toEqual(answer(0, 5, 0));
    expect(await countRows(h, 'transaction', userId)).toBe(5);
    expect(await countRows(h, 'category', userId)).toBe(1);
  });

  test("another user's identical transactions are not duplicates", async () => {
    const a = registerUser(h);
    const b = registerUser(h);
    const file = [row(), row({ description: 'Tea' })];
    expect(await importRows(a, file)).toEqual(answer(2, 0, 1));
    expect(await importRows(b, file)).toEqual(answer(2, 0, 1));
    expect(await countRows(h, 'transaction', b)).toBe(2);
  });

  test('a dry run answers the same counts and writes nothing: no transactions, no categories, no events, no key', async () => {
    const userId = registerUser(h);
    await importRows(userId, [row()]);
    const outboxBefore = await outboxCount(userId);
    const file = [row(), row(), row({ categoryName: 'New' }), row({ categoryName: 'new', description: 'x' }), row({ categoryName: 'Other' })];
    const dry = await importRows(userId, file, { dryRun: true, idempotencyKey: 'dry-key' });
    expect(dry).toEqual(answer(4, 1, 2));
    expect(await countRows(h, 'transaction', userId)).toBe(1);
    expect(await countRows(h, 'category', userId)).toBe(1);
    expect(await countRows(h, 'idempotency_key', userId)).toBe(0);
    expect(await outboxCount(userId)).toBe(outboxBefore);
    // The real import answers what the dry run said (the key was not used up by the dry run).
    expect(await importRows(userId, file, { idempotencyKey: 'dry-key' })).toEqual(answer(4, 1, 2));
    expect(await countRows(h, 'transaction', userId)).toBe(5);
  });

  test('Idempotency-Key: the same key and rows replay the answer and write nothing; other rows with the key → 422', async () => {
    const userId = registerUser(h);
    const file = [row(), row({ description: 'Tea', amount: '3.00' })];
    expect(await importRows(userId, file, { idempotencyKey: 'import-1' })).toEqual(answer(2, 0, 1));
    const outbox = await outboxCount(userId);
    // Without the key the same file would be all duplicates; with it, the first answer comes back.
    expect(await importRows(userId, file, { idempotencyKey: 'import-1' })).toEqual(answer(2, 0, 1, true));
    expect(await countRows(h, 'transaction', userId)).toBe(2);
    expect(await outboxCount(userId)).toBe(outbox);
    for (const other of [[row()], [...file, row()], [file[1]!, file[0]!], [row({ amount: '4.51' }), file[1]!]]) {
      expect(await rejected(importRows(userId, other, { idempotencyKey: 'import-1' }))).toMatchObject({
        status: status.INVALID_ARGUMENT,
        code: 'LEDGER_IDEMPOTENCY_KEY_REUSED',
        errors: [{ path: 'Idempotency-Key' }],
      });
    }
    // A key used by CreateTransaction is "reused" for an import, and the other way round.
    await h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'create-1' }));
    expect(await rejected(importRows(userId, file, { idempotencyKey: 'create-1' }))).toMatchObject({ code: 'LEDGER_IDEMPOTENCY_KEY_REUSED' });
    expect(await rejected(h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'import-1' })))).toMatchObject({ code: 'LEDGER_IDEMPOTENCY_KEY_REUSED' });
    expect(await countRows(h, 'transaction', userId)).toBe(3);
  });

  test('any invalid row → INVALID_ARGUMENT naming rows[i].<field> for every problem, and nothing written', async () => {
    const userId = registerUser(h);
    const file = [
      row({ categoryName: 'Fresh' }),
      row({ amount: '1.234' }),
      row({ amount: '100.5', currency: 'JPY', date: { year: 2026, month: 2, day: 30 } }),
      row({ currency: 'usd', transactionType: 0 }),
      row({ amount: '-1.00', description: 'x'.repeat(1001), categoryName: '   ' }),
      row({ amount: '0.0001', currency: 'KWD', categoryName: 'c'.repeat(101), date: undefined }),
      row({ currency: 'XXZ' }),
    ];
    const err = await rejected(importRows(userId, file));
    expect(err).toMatchObject({ status: status.INVALID_ARGUMENT, httpStatus: 422, code: 'LEDGER_INVALID_FIELDS' });
    expect(err.errors!.map((e) => e.path)).toEqual([
      'rows[1].amount',
      'rows[2].amount',
      'rows[2].date',
      'rows[3].currency',
      'rows[3].transaction_type',
      'rows[4].amount',
      'rows[4].description',
      'rows[4].category_name',
      'rows[5].amount',
      'rows[5].date',
      'rows[5].category_name',
      'rows[6].currency',
    ]);
    expect(err.errors![0]!.message).toMatch(/decimal|places|digits/i);
    expect(err.detail).toMatch(/^6 row\(s\) invalid/);
    expect(await countRows(h, 'transaction', userId)).toBe(0);
    expect(await countRows(h, 'category', userId)).toBe(0);
  });

  test('a file of thousands of bad rows answers quickly with the first 100 field errors and the count', async () => {
    const userId = registerUser(h);
    const file = Array.from({ length: 5000 }, (_, i) => row({ amount: i % 2 === 0 ? '1.001' : '2.00', description: 'd'.repeat(1001) }));
    const err = await rejected(importRows(userId, file));
    expect(err).toMatchObject({ status: status.INVALID_ARGUMENT, code: 'LEDGER_INVALID_FIELDS' });
    expect(err.errors).toHaveLength(100);
    expect(err.errors!.slice(0, 3).map((e) => e.path)).toEqual(['rows[0].amount', 'rows[0].description', 'rows[1].description']);
    expect(err.detail).toMatch(/^5000 row\(s\) invalid \(7500 field error\(s\); the first 100 are listed\)/);
  });

  test('a user id that is not a uuid is refused', async () => {
    expect(await rejected(importRows('not-a-user', [row()]))).toMatchObject({ status: status.INVALID_ARGUMENT });
  });

  test('two concurrent imports of the same file write exactly one set (the second skips everything)', async () => {
    const userId = registerUser(h);
    const file = Array.from({ length: 300 }, (_, i) => row({ amount: `${1 + (i % 7)}.00`, description: `Item ${i % 50}`, categoryName: `Cat ${i % 5}` }));
    const answers = await Promise.all([importRows(userId, file), importRows(userId, file), importRows(userId, file)]);
    const imported = answers.map((a) => Number(a.imported)).sort((x, y) => x - y);
    expect(imported).toEqual([0, 0, 300]);
    expect(answers.map((a) => Number(a.skippedDuplicates)).sort((x, y) => x - y)).toEqual([0, 300, 300]);
    expect(await countRows(h, 'transaction', userId)).toBe(300);
    expect(await countRows(h, 'category', userId)).toBe(5);
  });

  test('categories created concurrently by name (imports and CreateCategory) end up once each', async () => {
    const userId = registerUser(h);
    const results = await Promise.allSettled([
      importRows(userId, [row({ categoryName: 'Groceries' })]),
      importRows(userId, [row({ categoryName: 'GROCERIES', description: 'Milk' })]),
      h.client.createCategory({ userId, name: 'groceries', color: '#00FF00' }),
    ]);
    // CreateCategory may lose the race to an import (409); the imports never fail.
    expect(results[0]!.status).toBe('fulfilled');
    expect(results[1]!.status).toBe('fulfilled');
    expect(await countRows(h, 'category', userId)).toBe(1);
    expect(await stored(userId)).toHaveLength(2);
    const [cat] = await categoryNames(userId);
    expect((await stored(userId)).every((t) => t.category === cat!.name)).toBe(true);
  });

  test('an import racing the rename and the deletion of the categories it names always succeeds, and its rows point at live categories', async () => {
    for (let round = 0; round < 15; round++) {
      const userId = registerUser(h);
      const alpha = await createCategory(h, userId, 'Alpha');
      const beta = await createCategory(h, userId, 'Beta');
      const rows = Array.from({ length: 20 }, (_, i) => row({ description: `r${i}`, categoryName: i % 2 ? 'ALPHA' : 'beta' }));
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const [imported, renamed, deleted] = await Promise.allSettled([
        importRows(userId, rows),
        sleep(Math.random() * 5).then(() => h.client.updateCategory({ userId, id: alpha.id, name: 'Gamma' })),
        sleep(Math.random() * 5).then(() => h.client.deleteCategory({ userId, id: beta.id })),
      ]);
      expect({ round, imported: imported.status, renamed: renamed.status, deleted: deleted.status }).toEqual({ round, imported: 'fulfilled', renamed: 'fulfilled', deleted: 'fulfilled' });
      expect(await countRows(h, 'transaction', userId)).toBe(20);
      // The rows name a category of the user or none (a deleted "beta": uncategorized, as DeleteCategory leaves them).
      const [dangling] = await h.orm.em.fork().execute<{ n: number }[]>(
        'select count(*)::int as n from ledger.transaction t where t.user_id = ? and t.category_id is not null and not exists (select 1 from ledger.category c where c.id = t.category_id)',
        [userId],
      );
      expect(dangling!.n).toBe(0);
    }
  });

  test('one ledger.transaction.created.v1 per imported row is delivered on NATS, with the snapshot CreateTransaction publishes', async () => {
    const userId = registerUser(h);
    const rows = Array.from({ length: 250 }, (_, i) => row({ amount: `${i + 1}.00`, description: `Row ${i}`, categoryName: i % 2 ? 'Even' : undefined }));
    await importRows(userId, rows);
    const ids = new Map((await h.orm.em.fork().execute<{ id: string; amount_minor: string; category_id: string | null }[]>(
      'select id, amount_minor::text as amount_minor, category_id from ledger.transaction where user_id = ?',
      [userId],
    )).map((t) => [t.id, t]));
    const events = await waitFor(
      async () => {
        const msgs = (await streamMessages(nats.jsm, namespacedStream(h.namespace, 'LEDGER')))
          .map((m) => ({ subject: m.subject.slice(h.namespace.length + 1), msgId: m.header?.get('Nats-Msg-Id'), event: m.json<Record<string, any>>() }))
          .filter((m) => m.event.user_id === userId);
        return msgs.length >= 250 ? msgs : undefined;
      },
      { timeoutMs: 10_000, message: '250 created events' },
    );
    expect(events).toHaveLength(250);
    expect(new Set(events.map((e) => e.event.transaction.transaction_id))).toEqual(new Set(ids.keys()));
    for (const { subject, msgId, event } of events) {
      const t = ids.get(event.transaction.transaction_id)!;
      expect(subject).toBe('ledger.transaction.created.v1');
      expect(msgId).toBe(event.event_id);
      expect(event).toEqual({
        event_id: expect.any(String),
        occurred_at: expect.any(String),
        user_id: userId,
        transaction: { transaction_id: expect.any(String), amount_minor: t.amount_minor, currency: 'USD', transaction_type: 'expense', date: '2026-01-05', category_id: t.category_id },
      });
    }
  });

  test('100,000 rows in one stream of 1,000-row messages: all written, inside the ledger in a few seconds', async () => {
    const userId = registerUser(h);
    const categories = ['Food', 'Rent', 'Travel', 'Fun', 'Bills', 'Health', 'Gifts', 'Car'];
    const rows = Array.from({ length: 100_000 }, (_, i) =>
      row({
        amount: `${(i % 9973) + 1}.${String(i % 100).padStart(2, '0')}`,
        date: date(`2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`),
        description: `Row ${i}, "quoted"`,
        categoryName: i % 10 === 0 ? undefined : categories[i % categories.length]!,
        transactionType: i % 17 === 0 ? INCOME : EXPENSE,
      }),
    );
    const started = performance.now();
    expect(await h.client.importTransactions(messages(userId, rows, 1000))).toEqual(answer(100_000, 0, 8));
    const ms = performance.now() - started;
    expect(await countRows(h, 'transaction', userId)).toBe(100_000);
    // Generous for a shared 2-core machine; the bench measures it properly.
    expect(ms).toBeLessThan(15_000);
    const again = performance.now();
    expect(await importRows(userId, rows.slice(0, 20_000))).toEqual(answer(0, 20_000, 0));
    expect(performance.now() - again).toBeLessThan(10_000);
  }, 60_000);
});

/** An import's stream: the first message names the user (and `extra`), each carries `size` rows. */
function* messages(userId: string, rows: Row[], size: number, extra: Partial<ledgerV1.ImportTransactionsRequest> = {}): Generator<ledgerV1.ImportTransactionsRequest> {
  const endOfRows = (at: number) => at + size >= rows.length;
  yield { userId, rows: rows.slice(0, size), dryRun: false, endOfRows: endOfRows(0), ...extra };
  for (let at = size; at < rows.length; at += size) yield { userId: '', rows: rows.slice(at, at + size), dryRun: false, endOfRows: endOfRows(at) };
}

/** `count` distinct rows (description "n<i>") on the days of 2025. */
const distinctRows = (count: number, over: (i: number) => Partial<Row> = () => ({})) =>
  Array.from({ length: count }, (_, i) => row({ description: `n${i}`, date: date(`2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`), ...over(i) }));

describe('ImportTransactions as a stream (rows written while more arrive, IMPORT_WRITE_BATCH at a time)', () => {
  test('duplicates and categories are counted across write batches as over the whole file: a stored row matched once, a name in two spellings created once', async () => {
    const userId = registerUser(h);
    await h.client.createTransaction(newTransaction(userId, { amount: '4.50', description: 'Coffee', date: date('2026-01-05') }));
    // Two copies of the stored coffee (uncategorized), 7,000 rows apart: one skipped, one imported.
    // "Snacks" first, "SNACKS" 7,000 rows later: one category.
    const rows = [row({ categoryName: undefined }), row({ categoryName: 'Snacks', description: 'a' }), ...distinctRows(7000), row({ categoryName: undefined }), row({ categoryName: 'SNACKS', description: 'b' })];
    const dry = await h.client.importTransactions(messages(userId, rows, 333, { dryRun: true }));
    expect(dry).toEqual(answer(7003, 1, 2)); // Food and Snacks
    expect(await countRows(h, 'transaction', userId)).toBe(1);
    expect(await h.client.importTransactions(messages(userId, rows, 333))).toEqual(answer(7003, 1, 2));
    expect((await categoryNames(userId)).map((c) => c.name)).toEqual(['Food', 'Snacks']);
    expect((await stored(userId)).filter((t) => t.description === 'b')).toEqual([expect.objectContaining({ category: 'Snacks' })]);
    expect(await countRows(h, 'transaction', userId)).toBe(7004);
    expect(await outboxCount(userId)).toBe(7004);
    // Re-importing in other message sizes skips everything.
    expect(await h.client.importTransactions(messages(userId, rows, 4999))).toEqual(answer(0, 7004, 0));
  });

  test('a bad row after thousands already written refuses the import with its index over the whole stream; nothing stays written', async () => {
    const userId = registerUser(h);
    const rows = distinctRows(12_000, (i) => (i === 11_500 ? { amount: '1.001' } : i === 11_999 ? { currency: 'usd' } : { categoryName: `Cat ${i % 3}` }));
    const err = await rejected(h.client.importTransactions(messages(userId, rows, 1000)));
    expect(err).toMatchObject({ status: status.INVALID_ARGUMENT, code: 'LEDGER_INVALID_FIELDS' });
    expect(err.errors!.map((e) => e.path)).toEqual(['rows[11500].amount', 'rows[11999].currency']);
    expect(await countRows(h, 'transaction', userId)).toBe(0);
    expect(await countRows(h, 'category', userId)).toBe(0);
    expect(await outboxCount(userId)).toBe(0);
  });

  test('a caller that gives up mid-stream (its iterable throws) cancels the call: nothing stays written and the next import runs', async () => {
    const userId = registerUser(h);
    const rows = distinctRows(8000);
    async function* givesUp() {
      yield* [...messages(userId, rows, 1000)].map((m) => ({ ...m, endOfRows: false }));
      // Let the ledger write the first batches before the call goes away.
      await new Promise((resolve) => setTimeout(resolve, 500));
      throw new Error('the file turned out bad');
    }
    await expect(h.client.importTransactions(givesUp())).rejects.toThrow('the file turned out bad');
    // The next import of the user waits for the cancelled one's rollback (the import lock), then runs alone.
    expect(await importRows(userId, [row()])).toEqual(answer(1, 0, 1));
    expect(await countRows(h, 'transaction', userId)).toBe(1);
    expect(await outboxCount(userId)).toBe(1);
  });

  test('a stream that ends without end_of_rows (abandoned) writes nothing; rows after end_of_rows are refused', async () => {
    const userId = registerUser(h);
    const rows = distinctRows(6000);
    const abandoned = [...messages(userId, rows, 1000)].map((m) => ({ ...m, endOfRows: false }));
    expect(await rejected(h.client.importTransactions(abandoned))).toMatchObject({ status: status.INVALID_ARGUMENT, errors: [{ path: 'end_of_rows' }] });
    const afterEnd = [...messages(userId, rows, 1000)].map((m) => ({ ...m, endOfRows: true }));
    expect(await rejected(h.client.importTransactions(afterEnd))).toMatchObject({ status: status.INVALID_ARGUMENT, errors: [{ path: 'end_of_rows' }] });
    expect(await countRows(h, 'transaction', userId)).toBe(0);
    expect(await countRows(h, 'category', userId)).toBe(0);
  });

  test('a later message naming another user is refused, nothing written', async () => {
    const a = registerUser(h);
    const b = registerUser(h);
    const err = await rejected(
      h.client.importTransactions([
        { userId: a, rows: [row()], dryRun: false, endOfRows: false },
        { userId: b, rows: [row({ description: 'x' })], dryRun: false, endOfRows: true },
      ]),
    );
    expect(err).toMatchObject({ status: status.INVALID_ARGUMENT, errors: [{ path: 'user_id' }] });
    expect(await countRows(h, 'transaction', a)).toBe(0);
    expect(await countRows(h, 'transaction', b)).toBe(0);
  });

  test('an Idempotency-Key compares the rows, not how they were split into messages; an empty stream is an invalid user', async () => {
    const userId = registerUser(h);
    const rows = distinctRows(10);
    expect(await h.client.importTransactions(messages(userId, rows, 3, { idempotencyKey: 'split-1' }))).toEqual(answer(10, 0, 1));
    expect(await h.client.importTransactions(messages(userId, rows, 7, { idempotencyKey: 'split-1' }))).toEqual(answer(10, 0, 1, true));
    expect(await rejected(h.client.importTransactions(messages(userId, rows.slice(1), 7, { idempotencyKey: 'split-1' })))).toMatchObject({ code: 'LEDGER_IDEMPOTENCY_KEY_REUSED' });
    expect(await rejected(h.client.importTransactions([]))).toMatchObject({ status: status.INVALID_ARGUMENT });
  });
});

describe('ImportTransactions and a deleted account', () => {
  test('after the erasure an import is refused as a deleted account and writes nothing', async () => {
    const userId = registerUser(h);
    await h.orm.em.fork().transactional(async (tx) => {
      await tx.execute('insert into ledger.deleted_user (user_id, deleted_at) values (?, now())', [userId]);
    });
    expect(await rejected(importRows(userId, [row()]))).toMatchObject({ status: status.UNAUTHENTICATED, code: 'LEDGER_USER_NOT_FOUND' });
    expect(await countRows(h, 'transaction', userId)).toBe(0);
    expect(await countRows(h, 'category', userId)).toBe(0);
  });
});
