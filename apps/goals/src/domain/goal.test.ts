import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { FieldErrors } from './errors.js';
import { applyGoalChanges, goalAmounts, statusFor, validateNewGoal, type GoalState } from './goal.js';

const usd = (minor: bigint) => money(minor, 'USD');

function fieldsOf(fn: (errors: FieldErrors) => unknown): string[] {
  const errors = new FieldErrors();
  fn(errors);
  return errors.list.map((e) => e.path);
}

describe('statusFor', () => {
  test('completed exactly while current ≥ target; cancelled stays cancelled', () => {
    expect(statusFor('active', usd(99n), usd(100n))).toBe('active');
    expect(statusFor('active', usd(100n), usd(100n))).toBe('completed');
    expect(statusFor('completed', usd(99n), usd(100n))).toBe('active');
    expect(statusFor('cancelled', usd(500n), usd(100n))).toBe('cancelled');
  });
});

describe('validateNewGoal', () => {
  const valid = { name: ' Bike ', targetAmount: '1200.00', currentAmount: undefined, deadline: undefined, currency: 'USD' };

  test('a valid goal: name trimmed, current defaults to 0', () => {
    const errors = new FieldErrors();
    const goal = validateNewGoal(errors, valid);
    expect(errors.list).toEqual([]);
    expect(goal).toMatchObject({ name: 'Bike', deadline: null, currentText: '0' });
    expect(goalAmounts(errors, goal, 'USD')).toEqual({ target: usd(120_000n), current: usd(0n) });
  });

  test.each([
    ['a missing name', { name: undefined }, ['name']],
    ['a blank name', { name: '   ' }, ['name']],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, ['name']],
    ['a target of 0', { targetAmount: '0' }, ['target_amount']],
    ['a negative target', { targetAmount: '-5.00' }, ['target_amount']],
    ['a target with too many decimals', { targetAmount: '1.001' }, ['target_amount']],
    ['a negative current amount', { currentAmount: '-0.01' }, ['current_amount']],
    ['a current amount with too many decimals', { currentAmount: '0.001' }, ['current_amount']],
    ['an unknown currency', { currency: 'usd' }, ['currency']],
    ['an impossible deadline', { deadline: { year: 2026, month: 2, day: 30 } }, ['deadline']],
    ['everything at once', { name: '', targetAmount: 'x', deadline: { year: 0, month: 1, day: 1 } }, ['name', 'target_amount', 'deadline']],
  ])('%s is refused on its field', (_, change, paths) => {
    expect(fieldsOf((errors) => validateNewGoal(errors, { ...valid, ...change }))).toEqual(paths);
  });

  test('100 characters (emoji count as one) are fine; a current amount of 0 or 0.00 is fine', () => {
    expect(fieldsOf((errors) => validateNewGoal(errors, { ...valid, name: '🚲'.repeat(100), currentAmount: '0.00' }))).toEqual([]);
  });

  test('without a currency, decimals wait for it (JPY refuses what USD accepts)', () => {
    const errors = new FieldErrors();
    const goal = validateNewGoal(errors, { ...valid, currency: undefined, targetAmount: '12.50' });
    expect(errors.list).toEqual([]);
    expect(fieldsOf((e) => goalAmounts(e, goal, 'JPY'))).toEqual(['target_amount']);
    expect(fieldsOf((e) => validateNewGoal(e, { ...valid, currency: undefined, currentAmount: '-1' }))).toEqual(['current_amount']);
  });
});

describe('applyGoalChanges', () => {
  // 1000.00 target, 300.00 current of which 100.00 starting and 200.00 contributed.
  const state: GoalState = { name: 'Bike', target: usd(100_000n), current: usd(30_000n), starting: usd(10_000n), deadline: null, status: 'active' };

  test('a new current amount moves the starting amount, never below the contributions', () => {
    const errors = new FieldErrors();
    const { next } = applyGoalChanges(errors, state, { currentAmount: '250.00' });
    expect(next).toMatchObject({ current: usd(25_000n), starting: usd(5_000n) });
    expect(fieldsOf((e) => applyGoalChanges(e, state, { currentAmount: '199.99' }))).toEqual(['current_amount']);
    expect(applyGoalChanges(new FieldErrors(), state, { currentAmount: '200.00' }).next.starting).toEqual(usd(0n));
  });

  test('status follows the amounts: a lowered target completes the goal; setting active on a reached goal gives completed', () => {
    expect(applyGoalChanges(new FieldErrors(), state, { targetAmount: '300.00' }).next.status).toBe('completed');
    const cancelled = { ...state, status: 'cancelled' as const, target: usd(20_000n) };
    expect(applyGoalChanges(new FieldErrors(), cancelled, { targetAmount: '100.00' }).next.status).toBe('cancelled');
    expect(applyGoalChanges(new FieldErrors(), cancelled, { status: 'active' }).next.status).toBe('completed');
    expect(applyGoalChanges(new FieldErrors(), state, { status: 'cancelled' }).next.status).toBe('cancelled');
  });

  test('deadline set, cleared, or both (refused); unchanged fields are no change', () => {
    expect(applyGoalChanges(new FieldErrors(), state, { deadline: { year: 2027, month: 1, day: 31 } }).next.deadline).toBe(isoDate('2027-01-31'));
    expect(applyGoalChanges(new FieldErrors(), { ...state, deadline: isoDate('2027-01-31') }, { clearDeadline: true }).next.deadline).toBeNull();
    expect(fieldsOf((e) => applyGoalChanges(e, state, { clearDeadline: true, deadline: { year: 2027, month: 1, day: 31 } }))).toEqual(['deadline']);
    expect(applyGoalChanges(new FieldErrors(), state, { name: 'Bike ', targetAmount: '1000' }).changed).toBe(false);
  });

  test('bad fields are refused', () => {
    expect(fieldsOf((e) => applyGoalChanges(e, state, { name: '', targetAmount: '0', currentAmount: '-1' }))).toEqual(['name', 'target_amount', 'current_amount']);
  });
});
