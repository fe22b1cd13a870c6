import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { money } from '@finance/money';
import { dayText, escapeHtml, formatAmount, formatMoneyText, formatSignedMoney, monthKey, monthTitle, percentChange, percentOfWhole, truncate } from './format.js';

describe('formatAmount: exact, from minor units, with the currency’s digits', () => {
  test.each([
    [0n, 'USD', '0.00'],
    [5n, 'USD', '0.05'],
    [123456n, 'USD', '1,234.56'],
    [-123456n, 'USD', '−1,234.56'],
    [100000000n, 'USD', '1,000,000.00'],
    [1000n, 'JPY', '1,000'],
    [999n, 'JPY', '999'],
    [4750n, 'KWD', '4.750'],
    [-1n, 'KWD', '−0.001'],
    // Beyond 2^53: a float would lose the last digits.
    [9_007_199_254_740_993n, 'USD', '90,071,992,547,409.93'],
    [9_223_372_036_854_775_807n, 'USD', '92,233,720,368,547,758.07'],
  ])('%s %s → %s', (minor, currency, text) => {
    expect(formatAmount(money(minor, currency))).toBe(text);
  });

  test('every amount reads back to its minor units (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom('USD', 'JPY', 'KWD'), (minor, currency) => {
        const text = formatAmount(money(minor, currency)).replace('−', '-').replaceAll(',', '').replace('.', '');
        expect(BigInt(text)).toBe(minor);
      }),
    );
  });

  test('with the code, and signed for a difference', () => {
    expect(formatMoneyText(money(1250n, 'EUR'))).toBe('12.50 EUR');
    expect(formatSignedMoney(money(1250n, 'EUR'))).toBe('+12.50 EUR');
    expect(formatSignedMoney(money(-1250n, 'EUR'))).toBe('−12.50 EUR');
    expect(formatSignedMoney(money(0n, 'EUR'))).toBe('0.00 EUR');
  });
});

describe('escapeHtml', () => {
  test('the five characters that can end an element or an attribute', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    // Already-escaped text is escaped again: it is shown as typed.
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  test('emoji and right-to-left text stay as they are; control characters and lone surrogates go', () => {
    expect(escapeHtml('Café 🎉 مطعم עברית')).toBe('Café 🎉 مطعم עברית');
    expect(escapeHtml('a\u0000b\u0007c\td\ne')).toBe('abc\td\ne');
    expect(escapeHtml('x\ud800y\udc00z')).toBe('xyz');
  });

  test('no output holds a raw < > " \' or an & that does not start an entity (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = escapeHtml(text);
        expect(out).not.toMatch(/[<>"']/);
        expect(out).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
      }),
    );
  });
});

describe('percentChange: exact ratio, one decimal, half-even', () => {
  test.each([
    [110n, 100n, '+10.0 %'],
    [90n, 100n, '−10.0 %'],
    [100n, 100n, '0.0 %'],
    [300n, 100n, '+200.0 %'],
    [0n, 100n, '−100.0 %'],
    // 1/3 = 33.333… → 33.3; 2/3 = 66.666… → 66.7.
    [4n, 3n, '+33.3 %'],
    [5n, 3n, '+66.7 %'],
    // 0.05 %, 0.15 %, 0.25 %: ties go to the even tenth.
    [2001n, 2000n, '0.0 %'],
    [2003n, 2000n, '+0.2 %'],
    [2005n, 2000n, '+0.2 %'],
    [1995n, 2000n, '−0.2 %'],
    // A negative previous value (a net): the change is measured against its size.
    [-50n, -100n, '+50.0 %'],
  ])('%s against %s → %s', (current, previous, text) => {
    expect(percentChange(current, previous)).toBe(text);
  });

  test('none against zero', () => {
    expect(percentChange(100n, 0n)).toBeUndefined();
    expect(percentChange(0n, 0n)).toBeUndefined();
  });
});

test('percentOfWhole: two decimals, half-even; zero of nothing', () => {
  expect(percentOfWhole(1n, 3n)).toBe('33.33');
  expect(percentOfWhole(2n, 3n)).toBe('66.67');
  expect(percentOfWhole(1n, 8n)).toBe('12.50');
  expect(percentOfWhole(1n, 80000n)).toBe('0.00');
  expect(percentOfWhole(3n, 80000n)).toBe('0.00');
  expect(percentOfWhole(5n, 40000n)).toBe('0.01');
  expect(percentOfWhole(5n, 0n)).toBe('0.00');
  expect(percentOfWhole(150n, 100n)).toBe('150.00');
});

test('months and days in words', () => {
  expect(monthTitle({ year: 2026, month: 12 })).toBe('December 2026');
  expect(monthKey({ year: 26, month: 1 })).toBe('0026-01');
  expect(dayText('2026-03-09')).toBe('9 Mar 2026');
});

test('a cut label counts code points: an emoji is never cut in half', () => {
  expect(truncate('short', 10)).toBe('short');
  expect(truncate('🎉🎉🎉🎉🎉', 3)).toBe('🎉🎉…');
  expect(truncate('abcdef', 4)).toBe('abc…');
});
