// The bundled ECB history into a clean database: loaded once, idempotent, and once only when two
// services start together on one database.
import { afterEach, describe, expect, test } from '@jest/globals';
import { createTestDatabase, inspectRates, startCurrency, type RunningCurrency, type TestDatabase } from './helpers.js';

/** Data rows of apps/currency/data/eurofxref-hist.csv that are not N/A: 6,983 days × 41 columns − 68,748 N/A. */
const FILE_ENTRIES = 217_555;
const FILE_DAYS = 6_983;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanup.push(() => db.drop());
  return db;
}

async function started(running: Promise<RunningCurrency>): Promise<RunningCurrency> {
  const r = await running;
  cleanup.push(() => r.stop());
  return r;
}

describe('the loader', () => {
  test('loads the file into a clean database on the first start, and nothing on the second (row count identical)', async () => {
    const db = await freshDatabase();
    const inspect = await inspectRates(db.url);
    cleanup.push(() => inspect.close());

    const first = await started(startCurrency(db.url));
    expect(first.service.figures).toMatchObject({ fileDays: FILE_DAYS, fileEntries: FILE_ENTRIES, inserted: FILE_ENTRIES });
    expect(await inspect.rows()).toBe(FILE_ENTRIES);
    expect(await inspect.days()).toEqual(['2026-04-13', '2026-04-10', '2026-04-09', '2026-04-08', '2026-04-07']);
    expect(first.service.history.size).toBe(FILE_ENTRIES);
    process.stdout.write(`currency loader, first start: ${JSON.stringify(first.service.figures)}\n`);
    await first.stop();

    const second = await started(startCurrency(db.url));
    expect(second.service.figures).toMatchObject({ inserted: 0 });
    expect(await inspect.rows()).toBe(FILE_ENTRIES);
    // Read back from the table, the history is the same as the one built from the file.
    expect(second.service.history.size).toBe(FILE_ENTRIES);
    expect(second.service.history.dayCount).toBe(FILE_DAYS);
    expect(second.service.history.lookup('USD', '1999-01-04' as never, 14)).toEqual({ usable: true, value: '1.1789', published: '1999-01-04' });
    expect(second.service.history.lookup('IDR', '2026-04-13' as never, 14)).toEqual({ usable: true, value: '20082.05', published: '2026-04-13' });
    process.stdout.write(`currency loader, second start: ${JSON.stringify(second.service.figures)}\n`);
  });

  test('a table with fewer days than the file (an older bundle, or rows lost) is completed, idempotently', async () => {
    const db = await freshDatabase();
    const inspect = await inspectRates(db.url);
    cleanup.push(() => inspect.close());
    const first = await started(startCurrency(db.url));
    await first.stop();
    await inspect.orm.em.fork().execute("delete from currency.rate where day >= '2026-01-01'");
    const removed = FILE_ENTRIES - (await inspect.rows());
    expect(removed).toBeGreaterThan(1000);

    const second = await started(startCurrency(db.url));
    expect(second.service.figures.inserted).toBe(removed);
    expect(await inspect.rows()).toBe(FILE_ENTRIES);
    expect(second.service.history.latestDay).toBe('2026-04-13');
  });

  test('two services starting at once on one clean database load the file once between them', async () => {
    const db = await freshDatabase();
    const inspect = await inspectRates(db.url);
    cleanup.push(() => inspect.close());
    const [a, b] = await Promise.all([started(startCurrency(db.url)), started(startCurrency(db.url))]);
    expect([a.service.figures.inserted, b.service.figures.inserted].sort((x, y) => x - y)).toEqual([0, FILE_ENTRIES]);
    expect(await inspect.rows()).toBe(FILE_ENTRIES);
    expect(a.service.history.size).toBe(FILE_ENTRIES);
    expect(b.service.history.size).toBe(FILE_ENTRIES);
    // Both answer.
    const [ra, rb] = await Promise.all([a.client.getRateTable({ date: undefined }), b.client.getRateTable({ date: undefined })]);
    expect(ra).toEqual(rb);
    expect(Object.keys(ra.rates)).toHaveLength(29);
  });
});
