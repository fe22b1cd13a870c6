import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { status } from '@grpc/grpc-js';
import { isServiceError } from '@finance/platform';
import { createCategory, date, EXPENSE, INCOME, newTransaction, registerUser, startLedgerHarness, SumGrouping, type LedgerHarness } from './helpers.js';

// The daily totals (ledger.daily_total, kept by triggers) are what every aggregate reads. As a
// property: after any sequence of writes through the API — creates, updates of any field, deletes,
// category deletions with or without reassignment, some of them concurrent — they equal a
// GROUP BY over the transactions themselves, group for group, and no emptied group is left.

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

afterAll(async () => {
  await h?.close();
});

type GroupRow = { date: string; transaction_type: string; category_id: string | null; currency: string; total: string; count: string };

async function fromDailyTotals(userId: string): Promise<GroupRow[]> {
  return h.orm.em.fork().execute<GroupRow[]>(
    `select date::text, transaction_type, category_id, currency, total_minor::text as total, count::text
       from ledger.daily_total where user_id = ? order by 1, 2, 3 nulls first, 4`,
    [userId],
  );
}

async function fromTransactions(userId: string): Promise<GroupRow[]> {
  return h.orm.em.fork().execute<GroupRow[]>(
    `select date::text, transaction_type, category_id, currency, sum(amount_minor)::text as total, count(*)::text
       from ledger.transaction where user_id = ? group by 1, 2, 3, 4 order by 1, 2, 3 nulls first, 4`,
    [userId],
  );
}

const DAYS = ['2026-02-27', '2026-02-28', '2026-03-01'];
const CURRENCIES = ['USD', 'EUR', 'JPY'];

type Op =
  | { kind: 'create'; day: number; income: boolean; category: number; currency: number; amount: number }
  | { kind: 'update'; target: number; field: 'amount' | 'date' | 'type' | 'category' | 'currency' | 'description'; value: number }
  | { kind: 'delete'; target: number }
  | { kind: 'deleteCategory'; category: number; reassign: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), day: fc.nat(2), income: fc.boolean(), category: fc.nat(3), currency: fc.nat(2), amount: fc.integer({ min: 1, max: 99_999 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      target: fc.nat(),
      field: fc.constantFrom('amount' as const, 'date' as const, 'type' as const, 'category' as const, 'currency' as const, 'description' as const),
      value: fc.nat(99_999),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteCategory' as const), category: fc.nat(2), reassign: fc.boolean() }) },
);

const notFoundIsFine = (err: unknown) => {
  if (!isServiceError(err) || err.code !== status.NOT_FOUND) throw err;
};

/** Runs the ops in batches of up to three at once (concurrent writes to the same groups). */
async function apply(userId: string, ops: Op[]) {
  const categories: (string | undefined)[] = [];
  for (let i = 0; i < 3; i++) categories.push((await createCategory(h, userId)).id);
  const transactions: string[] = [];
  const live = () => categories.filter((c): c is string => !!c);
  const run = async (o: Op) => {
    switch (o.kind) {
      case 'create': {
        // category index 3 (or a deleted one) = uncategorized
        const categoryId = categories[o.category];
        const currency = CURRENCIES[o.currency]!;
        const { transaction } = await h.client.createTransaction(
          newTransaction(userId, {
            // JPY has no minor unit
            amount: currency === 'JPY' ? String(o.amount) : (o.amount / 100).toFixed(2),
            date: date(DAYS[o.day]!),
            transactionType: o.income ? INCOME : EXPENSE,
            currency,
            ...(categoryId ? { categoryId } : {}),
          }),
        );
        transactions.push(transaction!.id);
        return;
      }
      case 'update': {
        if (!transactions.length) return;
        const id = transactions[o.target % transactions.length]!;
        const patch = {
          amount: { amount: String(1 + (o.value % 500)) },
          date: { date: date(DAYS[o.value % DAYS.length]!) },
          type: { transactionType: o.value % 2 ? INCOME : EXPENSE },
          category: { categoryId: live()[o.value % (live().length + 1)] ?? '' },
          // with a whole amount, valid in every currency here (JPY has no minor unit)
          currency: { currency: CURRENCIES[o.value % CURRENCIES.length]!, amount: String(1 + (o.value % 500)) },
          description: { description: `note ${o.value}` },
        }[o.field];
        // A delete in the same batch may win the race: NOT_FOUND is then the right answer.
        await h.client.updateTransaction({ userId, id, transactionType: 0, date: undefined, ...patch }).catch(notFoundIsFine);
        return;
      }
      case 'delete': {
        if (!transactions.length) return;
        const [id] = transactions.splice(o.target % transactions.length, 1);
        await h.client.deleteTransaction({ userId, id: id! });
        return;
      }
      case 'deleteCategory': {
        const id = categories[o.category];
        if (!id) return;
        categories[o.category] = undefined;
        const reassignTo = o.reassign ? live()[0] : undefined;
        await h.client.deleteCategory({ userId, id, ...(reassignTo ? { reassignTo } : {}) });
        return;
      }
    }
  };
  // Category deletions alone (a move racing a write to the moved rows is the use case's business,
  // not the totals'); the other ops three at a time.
  for (let i = 0; i < ops.length; ) {
    if (ops[i]!.kind === 'deleteCategory') {
      await run(ops[i++]!);
      continue;
    }
    const batch: Op[] = [];
    while (i < ops.length && batch.length < 3 && ops[i]!.kind !== 'deleteCategory') batch.push(ops[i++]!);
    await Promise.all(batch.map(run));
  }
}

describe('daily totals', () => {
  test('equal a GROUP BY over the transactions after any sequence of writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const userId = randomUUID();
        await apply(userId, ops);
        const expected = await fromTransactions(userId);
        expect(await fromDailyTotals(userId)).toEqual(expected);
        expect(expected.every((g) => Number(g.count) > 0)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  test('an import keeps them itself (one upsert after its COPYs): equal to the GROUP BY with stored rows, duplicates and several write batches; the trigger is back afterwards', async () => {
    const userId = registerUser(h);
    const food = await createCategory(h, userId, 'Food');
    // Stored first, through the trigger: one group the import adds to, one it leaves alone.
    await h.client.createTransaction(newTransaction(userId, { amount: '4.50', date: date('2026-01-05'), categoryId: food.id, description: 'Coffee' }));
    await h.client.createTransaction(newTransaction(userId, { amount: '9.00', date: date('2026-01-07') }));
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      amount: i % 3 === 0 ? '999999999999999.99' : `${(i % 97) + 1}.${String(i % 100).padStart(2, '0')}`,
      currency: i % 5 === 0 ? 'JPY' : 'USD',
      transactionType: i % 7 === 0 ? INCOME : EXPENSE,
      date: date(`2026-01-0${(i % 9) + 1}`),
      description: i === 0 ? 'Coffee' : `row ${i}`,
      categoryName: i % 4 === 0 ? undefined : i % 4 === 1 ? 'food' : 'Rent',
    }));
    rows[0] = { amount: '4.50', currency: 'USD', transactionType: EXPENSE, date: date('2026-01-05'), description: 'Coffee', categoryName: 'FOOD' }; // a duplicate: skipped, not counted
    for (const r of rows) if (r.currency === 'JPY') r.amount = String((Number(r.amount.split('.')[0]) % 5000) + 1);
    const messages = Array.from({ length: 12 }, (_, k) => ({ userId: k === 0 ? userId : '', rows: rows.slice(k * 1000, k * 1000 + 1000), dryRun: false, endOfRows: k === 11 }));
    const answer = await h.client.importTransactions(messages);
    expect(answer).toMatchObject({ imported: '11999', skippedDuplicates: '1' });
    const expected = await fromTransactions(userId);
    expect(expected.length).toBeGreaterThan(20);
    expect(await fromDailyTotals(userId)).toEqual(expected);
    // A write after the import, on a group the import made, goes through the trigger again.
    await h.client.createTransaction(newTransaction(userId, { amount: '1.00', date: date('2026-01-02'), description: 'after' }));
    expect(await fromDailyTotals(userId)).toEqual(await fromTransactions(userId));
  });

  test('deleting every transaction of a user (erasure) leaves no group behind', async () => {
    const userId = randomUUID();
    await apply(userId, [
      { kind: 'create', day: 0, income: false, category: 0, currency: 0, amount: 10 },
      { kind: 'create', day: 1, income: true, category: 3, currency: 1, amount: 20 },
    ]);
    expect(await fromDailyTotals(userId)).toHaveLength(2);
    await h.orm.em.fork().execute('delete from ledger.transaction where user_id = ?', [userId]);
    expect(await fromDailyTotals(userId)).toEqual([]);
  });

  test('sums read the daily totals: exact beyond int64 per day, and a bulk insert counts once per row', async () => {
    const userId = registerUser(h);
    // 3 × 4e18 minor units on one day: each fits int64, the day's total does not (numeric column).
    await h.orm.em.fork().execute(
      `insert into ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, created_at, updated_at)
       select gen_random_uuid(), ?, 4000000000000000000, 'USD', 'expense', date '2026-05-01', '', now(), now() from generate_series(1, 3)`,
      [userId],
    );
    expect(await fromDailyTotals(userId)).toEqual([{ date: '2026-05-01', transaction_type: 'expense', category_id: null, currency: 'USD', total: '12000000000000000000', count: '3' }]);
    // A month's sum over ~0.1 days' worth of small rows still adds up exactly.
    await h.orm.em.fork().execute(
      `insert into ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, created_at, updated_at)
       select gen_random_uuid(), ?, 10, 'EUR', 'expense', date '2026-06-01' + (g % 30), '', now(), now() from generate_series(1, 3000) g`,
      [userId],
    );
    const { rows } = await h.client.sumTransactions({ userId, from: date('2026-06-01'), to: date('2026-06-30'), transactionType: EXPENSE, grouping: SumGrouping.SUM_GROUPING_MONTH, categoryIds: [], currencies: [] });
    expect(rows.map((r) => ({ total: r.total, count: r.count }))).toEqual([{ total: { minorUnits: '30000', currency: 'EUR' }, count: '3000' }]);
  });
});
