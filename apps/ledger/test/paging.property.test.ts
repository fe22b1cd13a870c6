import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { ledgerV1 } from '@finance/proto';
import { date, iso, newTransaction, startLedgerHarness, type LedgerHarness } from './helpers.js';

// Keyset pagination, as a property: whatever the rows and page sizes, following next_cursor
// visits every row exactly once in (date desc, id desc) order — also while rows are added
// between page fetches, where a new row is seen exactly when it sorts after the page already read.

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

afterAll(async () => {
  await h?.close();
});

// Five dates, so many rows share a date and the id has to break the ties.
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'];
const dayIndex = fc.integer({ min: 0, max: DAYS.length - 1 });
const pageSize = fc.oneof(fc.integer({ min: 1, max: 7 }), fc.constantFrom(0, 200));

type Row = { id: string; key: string };
const keyOf = (t: ledgerV1.Transaction) => `${iso(t.date)}|${t.id}`;

async function insert(userId: string, days: number[]): Promise<Row[]> {
  const created = await Promise.all(days.map((d) => h.client.createTransaction(newTransaction(userId, { date: date(DAYS[d]!) }))));
  return created.map(({ transaction }) => ({ id: transaction!.id, key: keyOf(transaction!) }));
}

const noFilter = { transactionType: 0, from: undefined, to: undefined } as const;

test('random page sizes visit every row exactly once, in order', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(dayIndex, { maxLength: 30 }), fc.array(pageSize, { minLength: 1, maxLength: 10 }), async (days, sizes) => {
      const userId = randomUUID();
      const rows = await insert(userId, days);
      const expected = rows.map((r) => r.key).sort().reverse();
      const seen: string[] = [];
      let cursor = '';
      for (let i = 0; ; i++) {
        const limit = sizes[i % sizes.length]!;
        const { items, page } = await h.client.listTransactions({ userId, ...noFilter, page: { limit, cursor } });
        expect(items.length).toBeLessThanOrEqual(limit || 50);
        seen.push(...items.map(keyOf));
        cursor = page!.nextCursor;
        if (!cursor) break;
        expect(items).toHaveLength(limit || 50); // only the last page may be short
      }
      expect(seen).toEqual(expected);
    }),
    { numRuns: 30 },
  );
});

test('rows added between page fetches never cause a duplicate or a skip', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(dayIndex, { minLength: 1, maxLength: 25 }),
      fc.array(pageSize, { minLength: 1, maxLength: 10 }),
      fc.array(fc.array(dayIndex, { maxLength: 3 }), { minLength: 1, maxLength: 10 }),
      async (days, sizes, additions) => {
        const userId = randomUUID();
        const initial = await insert(userId, days);
        const mustSee = new Set(initial.map((r) => r.key));
        const mustNotSee = new Set<string>();
        const seen: string[] = [];
        let cursor = '';
        for (let i = 0; ; i++) {
          const limit = sizes[i % sizes.length]!;
          const { items, page } = await h.client.listTransactions({ userId, ...noFilter, page: { limit, cursor } });
          seen.push(...items.map(keyOf));
          cursor = page!.nextCursor;
          if (!cursor) break;
          // Rows added now land before or after the position reached.
          const position = seen[seen.length - 1]!;
          for (const row of await insert(userId, additions[i % additions.length]!)) {
            (row.key < position ? mustSee : mustNotSee).add(row.key);
          }
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort().reverse()).toEqual(seen);
        for (const key of mustSee) expect(seen).toContain(key);
        for (const key of mustNotSee) expect(seen).not.toContain(key);
      },
    ),
    { numRuns: 30 },
  );
});
