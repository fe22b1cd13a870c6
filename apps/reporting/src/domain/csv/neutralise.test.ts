import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { FORMULA_TRIGGERS, neutraliseCell, undoNeutralise } from './neutralise.js';

describe('neutraliseCell', () => {
  test.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1', "'+1"],
    ['-5 refund', "'-5 refund"],
    ['@cmd', "'@cmd"],
    ['\tindented', "'\tindented"],
    ['\rx', "'\rx"],
    ['\uFF1D1+1', "'\uFF1D1+1"], // fullwidth =, which Apple Numbers folds into =
    ["'=x", "''=x"], // already quoted before a trigger: escaped again, or the import could not tell it from =x
    ["''-", "'''-"],
  ])('%j starts like a formula → %j', (value, written) => {
    expect(neutraliseCell(value)).toBe(written);
    expect(undoNeutralise(written)).toBe(value);
  });

  test.each(['', 'Coffee', "'quoted", "''", "'", "'a=b", 'a=b', ' =x', '\n=x', '12.50', '2026-01-05', '😀=x'])('%j is written unchanged', (value) => {
    expect(neutraliseCell(value)).toBe(value);
    expect(undoNeutralise(value)).toBe(value);
  });

  test('a hand-written cell that starts with a trigger is read as it is: there is no quote to strip', () => {
    expect(undoNeutralise('=A1')).toBe('=A1');
    expect(undoNeutralise('-5')).toBe('-5');
  });
});

/** Strings built from the characters that matter here, so that the interesting prefixes are common. */
const trickyString = fc.string({ unit: fc.constantFrom(...FORMULA_TRIGGERS, "'", "'", '"', ',', '\n', ' ', 'a', '😀', '\u0301'), maxLength: 8 });
const anyString = fc.oneof(
  trickyString,
  fc.string({ unit: 'binary' }), // every code point, emoji included
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), // lone surrogates too
  fc.tuple(trickyString, fc.string({ unit: 'grapheme' })).map(([a, b]) => a + b),
);

describe('neutralisation properties', () => {
  test('undo(neutralise(s)) === s for every string', () => {
    fc.assert(fc.property(anyString, (s) => undoNeutralise(neutraliseCell(s)) === s), { numRuns: 5000 });
  });

  test('no written cell starts with a trigger', () => {
    fc.assert(fc.property(anyString, (s) => !FORMULA_TRIGGERS.includes(neutraliseCell(s).charAt(0))), { numRuns: 5000 });
  });

  test('neutralise adds at most one quote and only at the start', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const written = neutraliseCell(s);
        return written === s || written === `'${s}`;
      }),
    );
  });
});
