import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { formatMoney, parseMoney } from '@finance/money';
import { applyBudgetChanges, defaultBudgetName, validateNewBudget, type BudgetState, type NewBudgetInput } from './budget.js';
import { FieldErrors } from './errors.js';

const date = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};

const valid: NewBudgetInput = {
  amount: '500.00',
  period: 'monthly',
  startDate: date('2026-01-15'),
  endDate: undefined,
  categoryId: undefined,
  currency: 'USD',
  name: undefined,
};

function newBudgetErrors(overrides: Partial<NewBudgetInput>) {
  const errors = new FieldErrors();
  validateNewBudget(errors, { ...valid, ...overrides });
  return errors.list;
}

describe('validateNewBudget', () => {
  test('a valid budget: amount in its currency, dates, no category', () => {
    const errors = new FieldErrors();
    const budget = validateNewBudget(errors, { ...valid, name: '  Food  ', categoryId: 'A0000000-0000-4000-8000-000000000001' });
    expect(errors.list).toEqual([]);
    expect(budget).toMatchObject({ period: 'monthly', startDate: '2026-01-15', endDate: null, name: 'Food', categoryId: 'a0000000-0000-4000-8000-000000000001' });
    expect(formatMoney(budget.amount!)).toBe('500.00');
  });

  test.each([
    ['zero amount', { amount: '0' }, 'amount', 'Amount must be greater than zero'],
    ['negative amount', { amount: '-5.00' }, 'amount', 'Amount must be greater than zero'],
    ['three decimals in USD', { amount: '1.005' }, 'amount', 'USD allows at most 2 decimal places'],
    ['decimals in JPY', { amount: '1.5', currency: 'JPY' }, 'amount', 'JPY does not allow decimal places'],
    ['exponent notation', { amount: '1e3' }, 'amount', expect.stringContaining('exponent')],
    ['an unknown currency', { currency: 'XYZ' }, 'currency', expect.stringContaining('Unknown currency')],
    ['a lower-case currency', { currency: 'usd' }, 'currency', expect.stringContaining('upper case')],
    ['no period', { period: undefined }, 'period', expect.stringContaining('required')],
    ['no start date', { startDate: undefined }, 'start_date', expect.stringContaining('required')],
    ['an impossible start date', { startDate: date('2026-02-30') }, 'start_date', expect.stringContaining('not a valid calendar date')],
    ['an impossible end date', { endDate: date('2026-13-01') }, 'end_date', expect.stringContaining('not a valid calendar date')],
    ['an end before the start', { endDate: date('2026-01-14') }, 'end_date', 'must not be before start_date'],
    ['a malformed category id', { categoryId: 'food' }, 'category_id', 'is not one of your categories'],
    ['a blank name', { name: '   ' }, 'name', expect.stringContaining('1 to 100')],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, 'name', expect.stringContaining('1 to 100')],
  ])('%s → %s', (_, overrides, path, message) => {
    expect(newBudgetErrors(overrides as Partial<NewBudgetInput>)).toEqual([{ path, message }]);
  });

  test('an end date equal to the start date is fine; a 100-character name too', () => {
    expect(newBudgetErrors({ endDate: date('2026-01-15'), name: 'n'.repeat(100) })).toEqual([]);
  });

  test('every invalid field is named at once; without a currency the amount syntax is still checked', () => {
    const errors = newBudgetErrors({ amount: 'abc', currency: undefined, period: undefined, startDate: undefined, categoryId: 'x' });
    expect(errors.map((e) => e.path)).toEqual(['amount', 'period', 'start_date', 'category_id']);
  });
});

describe('defaultBudgetName', () => {
  test("a category budget is named after the category, others after the period", () => {
    expect(defaultBudgetName('monthly', 'Groceries')).toBe('Groceries');
    expect(defaultBudgetName('weekly', undefined)).toBe('Weekly budget');
    expect(defaultBudgetName('yearly', '  ')).toBe('Yearly budget');
  });
});

describe('applyBudgetChanges', () => {
  const current: BudgetState = {
    name: 'Food',
    amount: parseMoney('250.00', 'USD'),
    period: 'monthly',
    startDate: isoDate('2026-01-01'),
    endDate: isoDate('2026-12-31'),
    categoryId: null,
  };
  const apply = (input: Parameters<typeof applyBudgetChanges>[2]) => {
    const errors = new FieldErrors();
    const result = applyBudgetChanges(errors, current, input);
    return { ...result, errors: errors.list };
  };

  test('nothing given: nothing changes', () => {
    expect(apply({})).toMatchObject({ changed: false, next: current, errors: [] });
  });

  test('only the fields given change', () => {
    const { next, changed } = apply({ name: 'Eating out', period: 'weekly' });
    expect(changed).toBe(true);
    expect(next).toEqual({ ...current, name: 'Eating out', period: 'weekly' });
  });

  test('a new currency alone keeps the value of the amount when it can be written there', () => {
    expect(formatMoney(apply({ currency: 'JPY' }).next.amount)).toBe('250');
    expect(apply({ currency: 'JPY' }).next.amount.currency).toBe('JPY');
    const cents = applyBudgetChanges(new FieldErrors(), { ...current, amount: parseMoney('12.50', 'USD') }, { currency: 'EUR' });
    expect(formatMoney(cents.next.amount)).toBe('12.50');
  });

  test('a new currency that cannot write the amount is refused on currency', () => {
    const errors = new FieldErrors();
    applyBudgetChanges(errors, { ...current, amount: parseMoney('12.50', 'USD') }, { currency: 'JPY' });
    expect(errors.list).toEqual([{ path: 'currency', message: expect.stringContaining('cannot be expressed in JPY') }]);
  });

  test('a new amount is read in the new currency', () => {
    expect(apply({ amount: '1.5', currency: 'JPY' }).errors).toEqual([{ path: 'amount', message: 'JPY does not allow decimal places' }]);
  });

  test('the merged dates must stay in order', () => {
    expect(apply({ startDate: { year: 2027, month: 1, day: 1 } }).errors).toEqual([{ path: 'end_date', message: 'must not be before start_date' }]);
    expect(apply({ startDate: { year: 2027, month: 1, day: 1 }, clearEndDate: true })).toMatchObject({ errors: [], next: { endDate: null } });
  });

  test('clear_end_date together with an end_date is contradictory', () => {
    expect(apply({ clearEndDate: true, endDate: { year: 2027, month: 1, day: 1 } }).errors).toEqual([
      { path: 'end_date', message: 'must be absent when clear_end_date is set' },
    ]);
  });

  test('category: "" = all expenses, an id = a category the caller must check', () => {
    const withCategory = { ...current, categoryId: 'a0000000-0000-4000-8000-000000000001' };
    expect(applyBudgetChanges(new FieldErrors(), withCategory, { categoryId: '' })).toMatchObject({ changed: true, next: { categoryId: null }, newCategoryId: undefined });
    expect(apply({ categoryId: 'A0000000-0000-4000-8000-000000000002' })).toMatchObject({ newCategoryId: 'a0000000-0000-4000-8000-000000000002' });
    expect(applyBudgetChanges(new FieldErrors(), withCategory, { categoryId: withCategory.categoryId })).toMatchObject({ changed: false, newCategoryId: undefined });
  });
});
