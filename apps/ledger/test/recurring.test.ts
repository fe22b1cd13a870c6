import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { firstOccurrenceOnOrAfter, isoDate, localDate } from '@finance/calendar';
import {
  countRows,
  createCategory,
  date,
  EXPENSE,
  FREQUENCY,
  INCOME,
  iso,
  newRecurring,
  occurrenceRows,
  registerUser,
  rejected,
  startLedgerHarness,
  transactionRows,
  WEEKEND,
  type LedgerHarness,
} from './helpers.js';

// Recurring templates over gRPC (API.md Version 3): CRUD, bad input, ownership, ProcessRecurring with
// its Idempotency-Key, occurrences in a range, category deletion. The scheduler: recurring-scheduler.test.ts.

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

afterEach(() => {
  expect(h.auth.unscripted).toEqual([]);
});

afterAll(async () => {
  await h?.close();
});

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('CreateRecurring', () => {
  test('answers the template with next_occurrence_date = start_date, active, auto_create by default', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { amount: '1500.00', currency: 'EUR', description: 'Rent' }));
    expect(template).toMatchObject({
      userId,
      amount: { minorUnits: '150000', currency: 'EUR' },
      transactionType: EXPENSE,
      description: 'Rent',
      frequency: FREQUENCY.FREQUENCY_MONTHLY,
      weekend: WEEKEND.WEEKEND_RULE_NONE,
      isActive: true,
      autoCreate: true,
      endDate: undefined,
      category: undefined,
    });
    expect(iso(template!.startDate)).toBe('2026-01-31');
    expect(iso(template!.nextOccurrenceDate)).toBe('2026-01-31');
    expect(template!.createdAt).toBeInstanceOf(Date);
    expect((await h.client.getRecurring({ userId, id: template!.id })).template).toEqual(template);
  });

  test('a weekend rule moves the first occurrence off a weekend (never the anchor)', async () => {
    const userId = registerUser(h);
    // 2026-01-31 is a Saturday.
    const { template } = await h.client.createRecurring(newRecurring(userId, { weekend: WEEKEND.WEEKEND_RULE_AFTER }));
    expect(iso(template!.startDate)).toBe('2026-01-31');
    expect(iso(template!.nextOccurrenceDate)).toBe('2026-02-02');
    expect(template!.weekend).toBe(WEEKEND.WEEKEND_RULE_AFTER);
  });

  test("without a currency: the user's base currency from auth; the user's time zone is kept", async () => {
    const userId = registerUser(h, { baseCurrency: 'JPY', timezone: 'Asia/Tokyo' });
    const { template } = await h.client.createRecurring(newRecurring(userId, { amount: '5000', currency: undefined }));
    expect(template!.amount).toEqual({ minorUnits: '5000', currency: 'JPY' });
    const rows = await h.orm.em.fork().execute<{ timezone: string }[]>('select timezone from ledger.user_timezone where user_id = ?', [userId]);
    expect(rows).toEqual([{ timezone: 'Asia/Tokyo' }]);
    expect(await rejected(h.client.createRecurring(newRecurring(userId, { amount: '5000.5', currency: undefined })))).toMatchObject({ httpStatus: 422, errors: [{ path: 'amount' }] });
  });

  test('with its category embedded', async () => {
    const userId = registerUser(h);
    const category = await createCategory(h, userId, 'Housing');
    const { template } = await h.client.createRecurring(newRecurring(userId, { categoryId: category.id }));
    expect(template!.category).toMatchObject({ id: category.id, name: 'Housing' });
  });

  test('every bad input of the issue is a 422 naming its field, and creates nothing', async () => {
    const userId = registerUser(h);
    const foreign = await createCategory(h, registerUser(h));
    const cases: [Partial<Parameters<typeof newRecurring>[1]>, string, string?][] = [
      [{ frequency: 99 as never }, 'frequency'],
      [{ frequency: FREQUENCY.FREQUENCY_UNSPECIFIED }, 'frequency'],
      [{ amount: '0' }, 'amount'],
      [{ amount: '-10.00' }, 'amount'],
      [{ amount: '10.001' }, 'amount'],
      [{ startDate: date('2030-02-30') }, 'start_date'],
      [{ endDate: { year: 2030, month: 13, day: 1 } }, 'end_date'],
      [{ endDate: date('2026-01-30') }, 'end_date'],
      [{ categoryId: foreign.id }, 'category_id', 'LEDGER_UNKNOWN_CATEGORY'],
      [{ categoryId: UNKNOWN_ID }, 'category_id', 'LEDGER_UNKNOWN_CATEGORY'],
      [{ categoryId: 'nope' }, 'category_id'],
      [{ weekend: 7 as never }, 'weekend'],
      [{ transactionType: 0 }, 'transaction_type'],
      [{ currency: 'usd' }, 'currency'],
      [{ description: 'd'.repeat(1001) }, 'description'],
    ];
    for (const [change, path, code] of cases) {
      expect({ change, rejection: await rejected(h.client.createRecurring(newRecurring(userId, change))) }).toMatchObject({
        rejection: { status: status.INVALID_ARGUMENT, httpStatus: 422, code: code ?? 'LEDGER_INVALID_FIELDS', errors: [{ path }] },
      });
    }
    expect(await countRows(h, 'recurring_template', userId)).toBe(0);
  });
});

describe('ListRecurring', () => {
  test('newest first, paged by cursor, filtered by is_active', async () => {
    const userId = registerUser(h);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.client.createRecurring(newRecurring(userId, { description: `t${i}` }))).template!.id);
    await h.client.deactivateRecurring({ userId, id: ids[1]! });
    await h.client.createRecurring(newRecurring(registerUser(h)));

    const first = await h.client.listRecurring({ userId, page: { limit: 2, cursor: '' } });
    const second = await h.client.listRecurring({ userId, page: { limit: 2, cursor: first.page!.nextCursor } });
    const third = await h.client.listRecurring({ userId, page: { limit: 2, cursor: second.page!.nextCursor } });
    expect([...first.items, ...second.items, ...third.items].map((t) => t.id)).toEqual([...ids].reverse());
    expect(third.page!.nextCursor).toBe('');

    const active = await h.client.listRecurring({ userId, page: { limit: 0, cursor: '' }, isActive: true });
    expect(active.items.map((t) => t.id)).toEqual([ids[4], ids[3], ids[2], ids[0]]);
    const inactive = await h.client.listRecurring({ userId, page: { limit: 0, cursor: '' }, isActive: false });
    expect(inactive.items.map((t) => t.id)).toEqual([ids[1]]);

    expect(await rejected(h.client.listRecurring({ userId, page: { limit: 0, cursor: 'garbage' } }))).toMatchObject({ httpStatus: 422, code: 'LEDGER_INVALID_CURSOR' });
  });
});

describe('UpdateRecurring and DeactivateRecurring', () => {
  test('changes the fields given; amount and description apply to later occurrences only', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { amount: '10.00', description: 'Gym' }));
    const { transaction } = await h.client.processRecurring({ userId, id: template!.id });
    const { template: updated } = await h.client.updateRecurring({
      userId,
      id: template!.id,
      amount: '12.00',
      description: 'Gym+',
      transactionType: INCOME,
      startDate: undefined,
      endDate: undefined,
      clearEndDate: false,
      autoCreate: false,
    });
    expect(updated).toMatchObject({ amount: { minorUnits: '1200', currency: 'USD' }, description: 'Gym+', transactionType: INCOME, autoCreate: false, isActive: true });
    expect(iso(updated!.nextOccurrenceDate)).toBe('2026-02-28');
    const rows = await transactionRows(h, userId);
    expect(rows).toEqual([{ id: transaction!.id, date: '2026-01-31', description: 'Gym', amount_minor: '1000' }]);
    const { transaction: second } = await h.client.processRecurring({ userId, id: template!.id });
    expect(second).toMatchObject({ amount: { minorUnits: '1200' }, description: 'Gym+', transactionType: INCOME });
  });

  test('changing the schedule re-anchors after the latest created occurrence; none is created twice', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { startDate: date('2026-01-31') }));
    const id = template!.id;
    for (let i = 0; i < 3; i++) await h.client.processRecurring({ userId, id }); // Jan 31, Feb 28, Mar 31
    // Weekly from the same anchor: the first weekly date after Mar 31.
    const weekly = await h.client.updateRecurring({ userId, id, frequency: FREQUENCY.FREQUENCY_WEEKLY, transactionType: 0, startDate: undefined, endDate: undefined, clearEndDate: false });
    expect(iso(weekly.template!.nextOccurrenceDate)).toBe('2026-04-04');
    // Moving the start back before what was created does not go back either.
    const back = await h.client.updateRecurring({ userId, id, startDate: date('2026-01-01'), transactionType: 0, endDate: undefined, clearEndDate: false });
    expect(iso(back.template!.nextOccurrenceDate)).toBe('2026-04-02');
    // A start after them is where the schedule continues.
    const later = await h.client.updateRecurring({ userId, id, startDate: date('2026-09-10'), transactionType: 0, endDate: undefined, clearEndDate: false });
    expect(iso(later.template!.nextOccurrenceDate)).toBe('2026-09-10');
    // An end before the next date ends it; clearing the end brings it back.
    const ended = await h.client.updateRecurring({ userId, id, endDate: date('2026-09-09'), startDate: date('2026-01-01'), transactionType: 0, clearEndDate: false });
    expect(iso(ended.template!.nextOccurrenceDate)).toBe('2026-04-02');
    const cut = await h.client.updateRecurring({ userId, id, endDate: date('2026-03-31'), transactionType: 0, startDate: undefined, clearEndDate: false });
    expect(cut.template!.nextOccurrenceDate).toBeUndefined();
    expect(await rejected(h.client.processRecurring({ userId, id }))).toMatchObject({ status: status.FAILED_PRECONDITION, httpStatus: 409, code: 'LEDGER_RECURRING_ENDED' });
    const open = await h.client.updateRecurring({ userId, id, clearEndDate: true, transactionType: 0, startDate: undefined, endDate: undefined });
    expect(open.template!.endDate).toBeUndefined();
    expect(iso(open.template!.nextOccurrenceDate)).toBe('2026-04-02');
    await h.client.processRecurring({ userId, id });
    expect((await occurrenceRows(h, id)).map((o) => o.occurrence_date)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-02']);
  });

  test('bad changes are a 422 and change nothing', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { endDate: date('2026-12-31') }));
    const base = { userId, id: template!.id, transactionType: 0, startDate: undefined, endDate: undefined, clearEndDate: false };
    const foreign = await createCategory(h, registerUser(h));
    const cases: [Record<string, unknown>, string][] = [
      [{ frequency: 42 }, 'frequency'],
      [{ frequency: FREQUENCY.FREQUENCY_UNSPECIFIED }, 'frequency'],
      [{ weekend: 9 }, 'weekend'],
      [{ amount: '0.00' }, 'amount'],
      [{ startDate: date('2027-01-01') }, 'end_date'],
      [{ startDate: date('2026-02-30') }, 'start_date'],
      [{ endDate: date('2026-01-01') }, 'end_date'],
      [{ endDate: date('2027-01-01'), clearEndDate: true }, 'end_date'],
      [{ categoryId: foreign.id }, 'category_id'],
    ];
    for (const [change, path] of cases) {
      expect({ change, rejection: await rejected(h.client.updateRecurring({ ...base, ...change })) }).toMatchObject({ rejection: { httpStatus: 422, errors: [{ path }] } });
    }
    expect((await h.client.getRecurring({ userId, id: template!.id })).template).toEqual(template);
  });

  test('DeactivateRecurring: inactive, still readable, idempotent; PUT is_active: true brings it back', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId));
    const id = template!.id;
    await h.client.processRecurring({ userId, id });
    await h.client.deactivateRecurring({ userId, id });
    await h.client.deactivateRecurring({ userId, id });
    const { template: inactive } = await h.client.getRecurring({ userId, id });
    expect(inactive!.isActive).toBe(false);
    expect(await countRows(h, 'transaction', userId)).toBe(1);
    expect(await rejected(h.client.processRecurring({ userId, id }))).toMatchObject({ status: status.FAILED_PRECONDITION, httpStatus: 409, code: 'LEDGER_RECURRING_INACTIVE' });
    const { template: active } = await h.client.updateRecurring({ userId, id, isActive: true, transactionType: 0, startDate: undefined, endDate: undefined, clearEndDate: false });
    expect(active!.isActive).toBe(true);
    // Resumed from today (UTC for this user), not from 2026-02-28: what fell due while paused is not back-filled.
    const today = localDate(new Date(), 'UTC');
    const resumed = firstOccurrenceOnOrAfter({ frequency: 'monthly', start: isoDate('2026-01-31'), end: null, weekend: 'none' }, today)!.date;
    expect(resumed > '2026-02-28').toBe(true);
    expect(iso(active!.nextOccurrenceDate)).toBe(resumed);
    const processed = await h.client.processRecurring({ userId, id });
    expect(iso(processed.transaction!.date)).toBe(resumed);
    expect(await countRows(h, 'transaction', userId)).toBe(2);
  });

  test("another user's, unknown and malformed ids are NOT_FOUND everywhere", async () => {
    const owner = registerUser(h);
    const other = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(owner));
    for (const id of [template!.id, UNKNOWN_ID, 'not-a-uuid']) {
      const calls = [
        h.client.getRecurring({ userId: other, id }),
        h.client.updateRecurring({ userId: other, id, amount: '1.00', transactionType: 0, startDate: undefined, endDate: undefined, clearEndDate: false }),
        h.client.deactivateRecurring({ userId: other, id }),
        h.client.processRecurring({ userId: other, id }),
        h.client.listRecurringOccurrences({ userId: other, id, from: date('2026-01-01'), to: date('2026-12-31') }),
      ];
      for (const call of calls) expect(await rejected(call)).toMatchObject({ status: status.NOT_FOUND, httpStatus: 404, code: 'LEDGER_RECURRING_NOT_FOUND' });
    }
    const { template: unchanged } = await h.client.getRecurring({ userId: owner, id: template!.id });
    expect(unchanged).toEqual(template);
    expect(await countRows(h, 'transaction', owner)).toBe(0);
  });
});

describe('ProcessRecurring', () => {
  test('creates the transaction dated next_occurrence_date (even a future one) and advances it, clamped per month', async () => {
    const userId = registerUser(h);
    const category = await createCategory(h, userId);
    const { template } = await h.client.createRecurring(newRecurring(userId, { startDate: date('2027-01-31'), amount: '99.95', categoryId: category.id }));
    const id = template!.id;
    const dates: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      const { transaction, nextOccurrenceDate, replayed } = await h.client.processRecurring({ userId, id });
      expect(replayed).toBe(false);
      expect(transaction).toMatchObject({ userId, amount: { minorUnits: '9995', currency: 'USD' }, description: 'Rent', categoryId: category.id, category: { id: category.id } });
      dates.push(iso(transaction!.date), iso(nextOccurrenceDate));
    }
    expect(dates).toEqual(['2027-01-31', '2027-02-28', '2027-02-28', '2027-03-31', '2027-03-31', '2027-04-30', '2027-04-30', '2027-05-31']);
    const occurrences = await occurrenceRows(h, id);
    const transactions = await transactionRows(h, userId);
    expect(occurrences.map((o) => o.transaction_id).sort()).toEqual(transactions.map((t) => t.id).sort());
  });

  test('the last occurrence before end_date ends the template: 409 afterwards', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_YEARLY, startDate: date('2028-02-29'), endDate: date('2030-03-01') }));
    const id = template!.id;
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) seen.push(iso((await h.client.processRecurring({ userId, id })).nextOccurrenceDate));
    expect(seen).toEqual(['2029-02-28', '2030-02-28', undefined]);
    expect(await rejected(h.client.processRecurring({ userId, id }))).toMatchObject({ httpStatus: 409, code: 'LEDGER_RECURRING_ENDED' });
    expect((await h.client.getRecurring({ userId, id })).template!.nextOccurrenceDate).toBeUndefined();
  });

  test('Idempotency-Key: a replay answers the first result and creates nothing; the key on another template or on CreateTransaction is reused', async () => {
    const userId = registerUser(h);
    const a = (await h.client.createRecurring(newRecurring(userId))).template!.id;
    const b = (await h.client.createRecurring(newRecurring(userId))).template!.id;
    const first = await h.client.processRecurring({ userId, id: a, idempotencyKey: 'pay-rent-jan' });
    const again = await h.client.processRecurring({ userId, id: a, idempotencyKey: 'pay-rent-jan' });
    expect(again).toEqual({ ...first, replayed: true });
    expect(iso(again.nextOccurrenceDate)).toBe('2026-02-28');
    expect(await countRows(h, 'transaction', userId)).toBe(1);
    expect(await rejected(h.client.processRecurring({ userId, id: b, idempotencyKey: 'pay-rent-jan' }))).toMatchObject({
      httpStatus: 422,
      code: 'LEDGER_IDEMPOTENCY_KEY_REUSED',
      errors: [{ path: 'Idempotency-Key' }],
    });
    expect(
      await rejected(
        h.client.createTransaction({ userId, amount: '1.00', transactionType: EXPENSE, date: date('2026-01-01'), description: '', currency: 'USD', idempotencyKey: 'pay-rent-jan' }),
      ),
    ).toMatchObject({ code: 'LEDGER_IDEMPOTENCY_KEY_REUSED' });
    expect(await countRows(h, 'transaction', userId)).toBe(1);
    // A transaction's key still replays as before.
    const created = await h.client.createTransaction({ userId, amount: '1.00', transactionType: EXPENSE, date: date('2026-01-01'), description: '', currency: 'USD', idempotencyKey: 'tx-1' });
    expect(await h.client.createTransaction({ userId, amount: '1.00', transactionType: EXPENSE, date: date('2026-01-01'), description: '', currency: 'USD', idempotencyKey: 'tx-1' })).toEqual({
      ...created,
      replayed: true,
    });
    expect(await rejected(h.client.processRecurring({ userId, id: a, idempotencyKey: 'tx-1' }))).toMatchObject({ code: 'LEDGER_IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('ListRecurringOccurrences', () => {
  test('the dates of the schedule in the range, past ones too, with the weekend rule', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { startDate: date('2024-01-31'), weekend: WEEKEND.WEEKEND_RULE_BEFORE }));
    const { dates } = await h.client.listRecurringOccurrences({ userId, id: template!.id, from: date('2024-01-01'), to: date('2024-06-30') });
    // Feb 29 2024 (Thu), Mar 31 (Sun → Fri 29), Apr 30 (Tue), May 31 (Fri), Jun 30 (Sun → Fri 28).
    expect(dates.map(iso)).toEqual(['2024-01-31', '2024-02-29', '2024-03-29', '2024-04-30', '2024-05-31', '2024-06-28']);
  });

  test('the range: both bounds, from <= to, at most 1096 days; at most 1000 dates', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date('2026-01-01') }));
    const id = template!.id;
    expect(await rejected(h.client.listRecurringOccurrences({ userId, id, from: date('2026-01-01'), to: date('2029-01-01') }))).toMatchObject({
      status: status.INVALID_ARGUMENT,
      httpStatus: 422,
      errors: [{ path: 'to' }],
    });
    expect(await rejected(h.client.listRecurringOccurrences({ userId, id, from: date('2026-02-01'), to: date('2026-01-01') }))).toMatchObject({ errors: [{ path: 'from' }] });
    expect(await rejected(h.client.listRecurringOccurrences({ userId, id, from: undefined, to: date('2026-01-01') }))).toMatchObject({ errors: [{ path: 'from' }] });
    const { dates } = await h.client.listRecurringOccurrences({ userId, id, from: date('2026-01-01'), to: date('2028-12-31') });
    expect(dates).toHaveLength(1000);
    expect(iso(dates[999])).toBe('2028-09-26');
  });
});

describe('category deletion', () => {
  test('moves templates like transactions: to reassign_to, or uncategorized', async () => {
    const userId = registerUser(h);
    const a = await createCategory(h, userId);
    const b = await createCategory(h, userId);
    const t1 = (await h.client.createRecurring(newRecurring(userId, { categoryId: a.id }))).template!;
    const t2 = (await h.client.createRecurring(newRecurring(userId, { categoryId: b.id }))).template!;
    await h.client.deleteCategory({ userId, id: a.id, reassignTo: b.id });
    expect((await h.client.getRecurring({ userId, id: t1.id })).template).toMatchObject({ categoryId: b.id, category: { id: b.id } });
    await h.client.deleteCategory({ userId, id: b.id });
    for (const t of [t1, t2]) {
      const { template } = await h.client.getRecurring({ userId, id: t.id });
      expect(template!.categoryId).toBeUndefined();
      expect(template!.category).toBeUndefined();
    }
    const { transaction } = await h.client.processRecurring({ userId, id: t1.id });
    expect(transaction!.categoryId).toBeUndefined();
  });
});
