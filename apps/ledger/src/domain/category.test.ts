import { describe, expect, test } from '@jest/globals';
import { DomainError } from '@finance/platform/errors';
import { validateCategoryChanges, validateNewCategory } from './category.js';

function paths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return (err.errors ?? []).map((e) => e.path);
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('category rules', () => {
  test('names are trimmed; colours are stored in upper case; no icon is null', () => {
    expect(validateNewCategory({ name: '  Groceries ', color: '#a1b2c3' })).toEqual({ name: 'Groceries', color: '#A1B2C3', icon: null });
    expect(validateNewCategory({ name: 'Rent', color: '#000000', icon: '🏠' })).toEqual({ name: 'Rent', color: '#000000', icon: '🏠' });
    expect(validateNewCategory({ name: 'Rent', color: '#000000', icon: '' }).icon).toBeNull();
  });

  test('a name of 100 characters is fine, counted in characters not UTF-16 units', () => {
    expect(validateNewCategory({ name: 'x'.repeat(100), color: '#000000' }).name).toHaveLength(100);
    expect(validateNewCategory({ name: '😀'.repeat(100), color: '#000000' }).name).toBe('😀'.repeat(100));
  });

  test.each([
    ['empty name', { name: '', color: '#000000' }, ['name']],
    ['blank name', { name: '   ', color: '#000000' }, ['name']],
    ['101 characters', { name: 'x'.repeat(101), color: '#000000' }, ['name']],
    ['NUL in name', { name: 'a\u0000b', color: '#000000' }, ['name']],
    ['colour without #', { name: 'ok', color: 'FF0000' }, ['color']],
    ['short colour', { name: 'ok', color: '#FFF' }, ['color']],
    ['named colour', { name: 'ok', color: 'red' }, ['color']],
    ['colour with alpha', { name: 'ok', color: '#FF000080' }, ['color']],
    ['non-hex colour', { name: 'ok', color: '#GG0000' }, ['color']],
    ['icon of 101 characters', { name: 'ok', color: '#000000', icon: 'i'.repeat(101) }, ['icon']],
    ['everything at once', { name: '', color: 'nope', icon: 'i'.repeat(101) }, ['name', 'color', 'icon']],
  ])('%s is refused', (_, input, expected) => {
    expect(paths(() => validateNewCategory(input))).toEqual(expected);
  });

  test('changes touch only what is given; icon "" removes the icon', () => {
    expect(validateCategoryChanges({})).toEqual({});
    expect(validateCategoryChanges({ color: '#abcdef' })).toEqual({ color: '#ABCDEF' });
    expect(validateCategoryChanges({ icon: '' })).toEqual({ icon: null });
    expect(paths(() => validateCategoryChanges({ name: ' ' }))).toEqual(['name']);
  });
});
