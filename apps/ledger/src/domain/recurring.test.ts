import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { DomainError } from '@finance/platform/errors';
import {
  applyRecurringChanges,
  continuationOf,
  validateNewRecurring,
  validateOccurrenceRange,
  type NewRecurringInput,
  type RecurringState,
} from './recurring.js';

const d = (text: string) => {
  const [year, month, day] = text.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};

const valid: NewRecurringInput = {
  amount: '1500.00',
  currency: 'EUR',
  type: 'expense',
  frequency: 'monthly',
  weekend: undefined,
  startDate: d('2026-01-31'),
  endDate: undefined,
  description: 'Rent',
  categoryId: undefined,
  autoCreate: undefined,
};

const state: RecurringState = {
  amount: money(150000n, 'EUR'),
  type: 'expense',
  description: 'Rent',
  categoryId: null,
  frequency: 'monthly',
  weekend: 'none',
  startDate: isoDate('2026-01-31'),
  endDate: null,
  isActive: true,
  autoCreate: true,
};

function errorsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.errors ?? [];
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('new templates', () => {
  test('defaults: weekend "none", auto_create true, no end', () => {
    expect(validateNewRecurring(valid)).toMatchObject({ weekend: 'none', autoCreate: true, endDate: null, frequency: 'monthly', startDate: '2026-01-31' });
    expect(validateNewRecurring(valid).amount).toEqual(money(150000n, 'EUR'));
  });

  test('every bad field of the issue is reported at once', () => {
    const errors = errorsOf(() =>
      validateNewRecurring({
        ...valid,
        amount: '0',
        type: undefined,
        frequency: 'fortnightly',
        weekend: 'sometimes',
        startDate: d('2030-02-30'),
        description: 'x'.repeat(1001),
        categoryId: 'not-a-uuid',
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['amount', 'transaction_type', 'frequency', 'weekend', 'start_date', 'description', 'category_id']);
  });

  test('too many decimals for the currency, and a negative amount', () => {
    expect(errorsOf(() => validateNewRecurring({ ...valid, amount: '1.234' })).map((e) => e.path)).toEqual(['amount']);
    expect(errorsOf(() => validateNewRecurring({ ...valid, amount: '1.5', currency: 'JPY' })).map((e) => e.path)).toEqual(['amount']);
    expect(errorsOf(() => validateNewRecurring({ ...valid, amount: '-5' })).map((e) => e.path)).toEqual(['amount']);
  });

  test('end_date before start_date is refused; the same day is fine', () => {
    expect(errorsOf(() => validateNewRecurring({ ...valid, endDate: d('2026-01-30') }))).toEqual([{ path: 'end_date', message: 'must not be before start_date' }]);
    expect(validateNewRecurring({ ...valid, endDate: d('2026-01-31') }).endDate).toBe('2026-01-31');
  });

  test('a missing frequency or start_date is required', () => {
    expect(errorsOf(() => validateNewRecurring({ ...valid, frequency: undefined, startDate: undefined })).map((e) => e.path)).toEqual(['frequency', 'start_date']);
  });
});

describe('changes', () => {
  test('amount and description change nothing of the schedule', () => {
    const applied = applyRecurringChanges(state, { amount: '1600', description: 'New rent' });
    expect(applied).toMatchObject({ changed: true, rescheduled: false });
    expect(applied.next.amount).toEqual(money(160000n, 'EUR'));
  });

  test('frequency, weekend, start and end each reschedule', () => {
    expect(applyRecurringChanges(state, { frequency: 'weekly' }).rescheduled).toBe(true);
    expect(applyRecurringChanges(state, { weekend: 'before' }).rescheduled).toBe(true);
    expect(applyRecurringChanges(state, { startDate: d('2026-02-01') }).rescheduled).toBe(true);
    expect(applyRecurringChanges(state, { endDate: d('2027-01-01') }).rescheduled).toBe(true);
    expect(applyRecurringChanges({ ...state, endDate: isoDate('2027-01-01') }, { clearEndDate: true }).next.endDate).toBeNull();
  });

  test('the same values change nothing', () => {
    expect(applyRecurringChanges(state, { frequency: 'monthly', weekend: 'none', amount: '1500', isActive: true })).toMatchObject({ changed: false, rescheduled: false });
  });

  test('an end before the (new) start, bad enums and end set and cleared at once are refused', () => {
    expect(errorsOf(() => applyRecurringChanges({ ...state, endDate: isoDate('2026-06-30') }, { startDate: d('2026-07-01') })).map((e) => e.path)).toEqual(['end_date']);
    expect(errorsOf(() => applyRecurringChanges(state, { frequency: 7, weekend: 'later' })).map((e) => e.path)).toEqual(['frequency', 'weekend']);
    expect(errorsOf(() => applyRecurringChanges(state, { endDate: d('2027-01-01'), clearEndDate: true })).map((e) => e.path)).toEqual(['end_date']);
  });

  test('a new currency alone keeps the decimal amount, refused when it has too few decimals', () => {
    expect(applyRecurringChanges({ ...state, amount: money(1500n, 'EUR') }, { currency: 'USD' }).next.amount).toEqual(money(1500n, 'USD'));
    expect(errorsOf(() => applyRecurringChanges({ ...state, amount: money(1550n, 'EUR') }, { currency: 'JPY' })).map((e) => e.path)).toEqual(['currency']);
  });
});

describe('continuationOf (first occurrence and re-anchoring)', () => {
  const monthly31 = { frequency: 'monthly' as const, start: isoDate('2026-01-31'), end: null, weekend: 'none' as const };

  test('nothing created: the first occurrence on or after start', () => {
    expect(continuationOf(monthly31, null)).toEqual({ index: 0, date: '2026-01-31' });
    // 2026-01-31 is a Saturday: "before" moves the first occurrence... to before the start, so it is dropped.
    expect(continuationOf({ ...monthly31, weekend: 'after' }, null)).toEqual({ index: 0, date: '2026-02-02' });
  });

  test('after the latest created occurrence, never on or before it', () => {
    expect(continuationOf(monthly31, isoDate('2026-02-28'))).toEqual({ index: 2, date: '2026-03-31' });
    // Re-anchored to weekly from the same start, with March 31 created: the first weekly date after it.
    expect(continuationOf({ ...monthly31, frequency: 'weekly' }, isoDate('2026-03-31'))).toEqual({ index: 9, date: '2026-04-04' });
  });

  test('a start moved after the latest created occurrence starts there', () => {
    expect(continuationOf({ ...monthly31, start: isoDate('2026-06-15') }, isoDate('2026-03-31'))).toEqual({ index: 0, date: '2026-06-15' });
  });

  test('past the end: none', () => {
    expect(continuationOf({ ...monthly31, end: isoDate('2026-03-31') }, isoDate('2026-03-31'))).toBeUndefined();
  });
});

describe('occurrence ranges', () => {
  test('both bounds required, from <= to, at most 1096 days', () => {
    expect(validateOccurrenceRange({ from: d('2026-01-01'), to: d('2028-12-31') })).toEqual({ from: '2026-01-01', to: '2028-12-31' });
    expect(errorsOf(() => validateOccurrenceRange({ from: d('2026-01-01'), to: d('2029-01-01') })).map((e) => e.path)).toEqual(['to']);
    expect(errorsOf(() => validateOccurrenceRange({ from: d('2026-01-02'), to: d('2026-01-01') })).map((e) => e.path)).toEqual(['from']);
    expect(errorsOf(() => validateOccurrenceRange({ from: undefined, to: undefined })).map((e) => e.path)).toEqual(['from', 'to']);
  });
});
