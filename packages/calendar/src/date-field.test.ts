import { describe, expect, test } from '@jest/globals';
import { DATE_REQUIRED_MESSAGE, INVALID_DATE_MESSAGE, readDateField, type FieldProblems } from './date-field.js';

function collector(): FieldProblems & { list: { path: string; message: string }[] } {
  const list: { path: string; message: string }[] = [];
  return { list, add: (path, message) => list.push({ path, message }) };
}

describe('readDateField', () => {
  test('answers the date of valid parts and reports nothing', () => {
    const problems = collector();
    expect(readDateField(problems, 'date', { year: 2024, month: 2, day: 29 }, 'required')).toBe('2024-02-29');
    expect(readDateField(problems, 'end_date', { year: 1, month: 1, day: 1 }, 'optional')).toBe('0001-01-01');
    expect(problems.list).toEqual([]);
  });

  test.each([
    ['Feb 29 of a common year', { year: 2026, month: 2, day: 29 }],
    ['Feb 30', { year: 2026, month: 2, day: 30 }],
    ['year 0 (an all-zero proto Date)', { year: 0, month: 0, day: 0 }],
    ['month 13', { year: 2026, month: 13, day: 1 }],
  ])('reports %s as not a valid calendar date, under its own path', (_, parts) => {
    const problems = collector();
    expect(readDateField(problems, 'start_date', parts, 'optional')).toBeUndefined();
    expect(problems.list).toEqual([{ path: 'start_date', message: INVALID_DATE_MESSAGE }]);
  });

  test.each([undefined, null])('reports a required field that is absent (%p)', (value) => {
    const problems = collector();
    expect(readDateField(problems, 'from', value, 'required')).toBeUndefined();
    expect(problems.list).toEqual([{ path: 'from', message: DATE_REQUIRED_MESSAGE }]);
  });

  test.each([undefined, null])('lets an optional field be absent (%p)', (value) => {
    const problems = collector();
    expect(readDateField(problems, 'to', value, 'optional')).toBeUndefined();
    expect(problems.list).toEqual([]);
  });

  test('adds to the problems already collected, so one answer names every invalid field', () => {
    const problems = collector();
    problems.add('amount', 'must be greater than zero');
    readDateField(problems, 'from', undefined, 'required');
    readDateField(problems, 'to', { year: 2026, month: 4, day: 31 }, 'required');
    expect(problems.list.map((p) => p.path)).toEqual(['amount', 'from', 'to']);
  });
});
