import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { copyTextRow, copyTextValue } from './copy-rows.js';

// COPY's text format as PostgreSQL reads it (copyfromparse.c, CopyReadAttributesText): fields split
// at tabs, `\N` alone is NULL, and a backslash escapes the next character (b f n r t v, octal \ooo and
// hex \xhh bytes; any other character stands for itself). A reference reader for the encoder's tests.
function readCopyText(line: string): (string | null)[] {
  if (!line.endsWith('\n')) throw new Error('a COPY row ends with a newline');
  const body = line.slice(0, -1);
  if (/[\n\r]/.test(body)) throw new Error('a raw newline or CR inside a row ends it early');
  return body.split('\t').map((field) => {
    if (field === '\\N') return null;
    let out = '';
    for (let i = 0; i < field.length; i++) {
      const c = field[i]!;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const next = field[++i];
      if (next === undefined) throw new Error('a lone backslash at the end of a field');
      const named: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
      if (next in named) out += named[next];
      else if (/[0-7x]/.test(next)) throw new Error(`the encoder wrote a byte escape \\${next}`);
      else out += next;
    }
    return out;
  });
}

describe('copyTextValue / copyTextRow (COPY text format)', () => {
  test('backslash, tab, newline and CR are escaped; everything else goes as it is', () => {
    expect(copyTextValue('plain')).toBe('plain');
    expect(copyTextValue('a\\b')).toBe('a\\\\b');
    expect(copyTextValue('a\tb')).toBe('a\\tb');
    expect(copyTextValue('a\nb')).toBe('a\\nb');
    expect(copyTextValue('a\r\nb')).toBe('a\\r\\nb');
    expect(copyTextValue('Café ☕ 🧾')).toBe('Café ☕ 🧾');
    expect(copyTextValue('')).toBe('');
  });

  test('null is \\N, and the text "\\N" stays text', () => {
    expect(copyTextValue(null)).toBe('\\N');
    expect(copyTextValue('\\N')).toBe('\\\\N');
    expect(readCopyText(copyTextRow(['\\N', null, '']))).toEqual(['\\N', null, '']);
  });

  test('a row is tab-separated and newline-terminated; the end-of-data marker \\. cannot appear as a line', () => {
    expect(copyTextRow(['a', 'b c', null])).toBe('a\tb c\t\\N\n');
    expect(copyTextRow(['\\.'])).toBe('\\\\.\n');
  });

  test('NUL characters and unpaired surrogates are refused, never changed', () => {
    expect(() => copyTextValue('a\0b')).toThrow(/NUL/);
    expect(() => copyTextValue('a\uD800b')).toThrow(/surrogate/);
  });

  test('property: any row of text values (with NULLs) reads back exactly as written', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('\\', '\t', '\n', '\r', 'N', '.', ',', '"'), fc.constantFrom('é', '☕', '🧾'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 40 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(fc.option(text, { nil: null }), { minLength: 1, maxLength: 6 }), (values) => {
        expect(readCopyText(copyTextRow(values))).toEqual(values);
      }),
      { numRuns: 2000 },
    );
  });
});
