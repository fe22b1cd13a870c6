import { expect, test } from '@jest/globals';
import { charLength, hasNul } from './text.js';

test('charLength counts code points: a surrogate pair is one character', () => {
  expect(charLength('')).toBe(0);
  expect(charLength('abc')).toBe(3);
  expect(charLength('🔑🔑🔑🔑')).toBe(4);
  expect('🔑🔑🔑🔑'.length).toBe(8);
});

test('hasNul finds U+0000 anywhere', () => {
  expect(hasNul('a\u0000b')).toBe(true);
  expect(hasNul('plain')).toBe(false);
});
