import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { parseMoney } from '@finance/money';
import { currentPeriodTouched, thresholdsReached, type BudgetScope, type TransactionSide } from './thresholds.js';

const usd = (amount: string) => parseMoney(amount, 'USD');
const d = isoDate;

describe('thresholdsReached', () => {
  test('nothing below 80 %, not even 79.996 % (shown as "80.00")', () => {
    expect(thresholdsReached(usd('79.99'), usd('100.00'))).toEqual([]);
    expect(thresholdsReached(usd('199.99'), usd('250.00'))).toEqual([]); // 79.996 %
  });

  test('exactly 80 % reaches 80; exactly the amount reaches 100', () => {
    expect(thresholdsReached(usd('80.00'), usd('100.00'))).toEqual([80]);
    expect(thresholdsReached(usd('99.99'), usd('100.00'))).toEqual([80]);
    expect(thresholdsReached(usd('100.00'), usd('100.00'))).toEqual([80, 100]);
    expect(thresholdsReached(usd('120.00'), usd('100.00'))).toEqual([80, 100]);
  });

  test('exact on amounts no float can hold', () => {
    // 90071992547409920 minor units is beyond 2^53.
    expect(thresholdsReached(usd('720575940379279.36'), usd('900719925474099.20'))).toEqual([80]);
    expect(thresholdsReached(usd('720575940379279.35'), usd('900719925474099.20'))).toEqual([]);
  });

  test('refuses mixed currencies', () => {
    expect(() => thresholdsReached(parseMoney('1', 'JPY'), usd('1.00'))).toThrow(RangeError);
  });
});

describe('currentPeriodTouched', () => {
  const food = '11111111-1111-4111-8111-111111111111';
  const rent = '22222222-2222-4222-8222-222222222222';
  const monthly: BudgetScope = { period: 'monthly', startDate: d('2026-01-15'), endDate: null, categoryId: null };
  const expense = (date: string, categoryId: string | null = null): TransactionSide => ({ transactionType: 'expense', date: d(date), categoryId });

  test('an expense in the current period (anchored at start_date) touches it', () => {
    expect(currentPeriodTouched(monthly, d('2026-03-20'), expense('2026-03-15'))).toEqual({ start: '2026-03-15', end: '2026-04-14' });
    expect(currentPeriodTouched(monthly, d('2026-03-20'), expense('2026-04-14'))).toEqual({ start: '2026-03-15', end: '2026-04-14' });
  });

  test('the previous period, the next one and income do not', () => {
    expect(currentPeriodTouched(monthly, d('2026-03-20'), expense('2026-03-14'))).toBeUndefined();
    expect(currentPeriodTouched(monthly, d('2026-03-20'), expense('2026-04-15'))).toBeUndefined();
    expect(currentPeriodTouched(monthly, d('2026-03-20'), { transactionType: 'income', date: d('2026-03-20'), categoryId: null })).toBeUndefined();
  });

  test('a category budget counts only its category; an all-expense budget every one, uncategorized included', () => {
    const foodBudget = { ...monthly, categoryId: food };
    expect(currentPeriodTouched(foodBudget, d('2026-03-20'), expense('2026-03-20', rent))).toBeUndefined();
    expect(currentPeriodTouched(foodBudget, d('2026-03-20'), expense('2026-03-20', null))).toBeUndefined();
    expect(currentPeriodTouched(foodBudget, d('2026-03-20'), expense('2026-03-20', food))).toBeDefined();
    expect(currentPeriodTouched(monthly, d('2026-03-20'), expense('2026-03-20', rent))).toBeDefined();
  });

  test('no current period: before start_date or after end_date', () => {
    expect(currentPeriodTouched(monthly, d('2026-01-10'), expense('2026-01-10'))).toBeUndefined();
    expect(currentPeriodTouched({ ...monthly, endDate: d('2026-02-20') }, d('2026-03-20'), expense('2026-03-20'))).toBeUndefined();
  });

  test('a period cut at end_date ends there', () => {
    expect(currentPeriodTouched({ ...monthly, endDate: d('2026-03-31') }, d('2026-03-20'), expense('2026-04-05'))).toBeUndefined();
  });
});
