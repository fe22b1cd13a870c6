// Property tests: the rules above must hold for every currency and for random inputs,
// not only for the examples in the other files.
import { describe, test, expect } from '@jest/globals';
import fc from 'fast-check';
import { listCurrencies } from './currencies.js';
import { convertMoney, crossConvertMoney } from './convert.js';
import { roundHalfEven } from './decimal.js';
import { addMoney, formatMoney, MAX_INTEGER_DIGITS, money, parseMoney, subtractMoney, sumMoney } from './money.js';

const currencies = listCurrencies();
const currencyArb = fc.constantFrom(...currencies);

/** Any amount parseMoney accepts for a currency with `minorUnits` digits, in minor units. */
function minorArb(minorUnits: number): fc.Arbitrary<bigint> {
  const limit = 10n ** BigInt(MAX_INTEGER_DIGITS + minorUnits) - 1n;
  return fc.oneof(fc.bigInt({ min: -limit, max: limit }), fc.bigInt({ min: -1000n, max: 1000n }));
}

/** Reference rounding, written differently on purpose: floor, then compare 2×remainder. */
function referenceHalfEven(n: bigint, d: bigint): bigint {
  if (d < 0n) return referenceHalfEven(-n, -d);
  const floor = n >= 0n ? n / d : -((-n + d - 1n) / d);
  const rest = n - floor * d; // 0 ≤ rest < d
  if (2n * rest < d) return floor;
  if (2n * rest > d) return floor + 1n;
  return floor % 2n === 0n ? floor : floor + 1n;
}

describe('properties', () => {
  test('parse(format(m)) = m for every currency and amount', () => {
    fc.assert(
      fc.property(
        currencyArb.chain((c) => fc.tuple(fc.constant(c), minorArb(c.minorUnits))),
        ([currency, minor]) => {
          const m = money(minor, currency.code);
          const text = formatMoney(m);
          const fraction = currency.minorUnits === 0 ? '' : `\\.\\d{${currency.minorUnits}}`;
          expect(text).toMatch(new RegExp(`^-?(0|[1-9]\\d*)${fraction}$`));
          expect(parseMoney(text, currency.code, { allowNegative: true })).toEqual(m);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('format(parse(s)) is s padded to the currency digits, for every currency', () => {
    const decimalArb = currencyArb.chain((c) =>
      fc.record({
        currency: fc.constant(c),
        negative: fc.boolean(),
        int: fc.oneof(
          fc.constant('0'),
          fc.tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 14 })).map(
            ([first, rest]) => `${first}${rest}`,
          ),
        ),
        frac: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: c.minorUnits }),
      }),
    );
    fc.assert(
      fc.property(decimalArb, ({ currency, negative, int, frac }) => {
        const text = `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
        const m = parseMoney(text, currency.code, { allowNegative: true });
        const padded = currency.minorUnits === 0 ? int : `${int}.${frac.padEnd(currency.minorUnits, '0')}`;
        const isZero = /^0(\.0*)?$/.test(padded);
        expect(formatMoney(m)).toBe(`${negative && !isZero ? '-' : ''}${padded}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('more fraction digits than the currency has are always refused', () => {
    fc.assert(
      fc.property(currencyArb, fc.nat({ max: 10 ** 9 }), fc.integer({ min: 1, max: 5 }), (currency, n, extra) => {
        const digits = currency.minorUnits + extra;
        const text = `${n}.${'1'.repeat(digits)}`;
        expect(() => parseMoney(text, currency.code)).toThrow(expect.objectContaining({ reason: 'precision' }));
      }),
    );
  });

  test('sums of decimal strings are exact', () => {
    const centsArb = fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 50 });
    fc.assert(
      fc.property(centsArb, (cents) => {
        const texts = cents.map((c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`);
        const total = sumMoney(
          texts.map((t) => parseMoney(t, 'USD')),
          'USD',
        );
        const expected = cents.reduce((a, c) => a + BigInt(c), 0n);
        expect(total.minor).toBe(expected);
        const folded = texts.map((t) => parseMoney(t, 'USD')).reduce(addMoney, money(0n, 'USD'));
        expect(folded).toEqual(total);
      }),
    );
  });

  test('three times "0.10" is "0.30" (where floats give 0.30000000000000004)', () => {
    const dime = parseMoney('0.10', 'USD');
    expect(0.1 + 0.1 + 0.1).not.toBe(0.3);
    expect(formatMoney(sumMoney([dime, dime, dime], 'USD'))).toBe('0.30');
  });

  test('add then subtract is the identity', () => {
    fc.assert(
      fc.property(minorArb(2), minorArb(2), (a, b) => {
        const x = money(a, 'EUR');
        const y = money(b, 'EUR');
        expect(subtractMoney(addMoney(x, y), y)).toEqual(x);
      }),
    );
  });

  test('a JSON number with at most 15 significant digits parses to exactly what it says', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (cents) => {
        const json = JSON.parse(JSON.stringify(cents / 100)) as number;
        expect(parseMoney(json, 'USD', { allowNegative: true }).minor).toBe(BigInt(cents));
      }),
      { numRuns: 2000 },
    );
  });

  test('roundHalfEven matches a reference implementation', () => {
    const big = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
    const nonZero = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.bigInt({ min: -(10n ** 20n), max: -1n }));
    const small = fc.bigInt({ min: -1000n, max: 1000n });
    const smallNonZero = fc.oneof(fc.bigInt({ min: 1n, max: 20n }), fc.bigInt({ min: -20n, max: -1n }));
    fc.assert(
      fc.property(fc.oneof(fc.tuple(big, nonZero), fc.tuple(small, smallNonZero)), ([n, d]) => {
        expect(roundHalfEven(n, d)).toBe(referenceHalfEven(n, d));
      }),
      { numRuns: 5000 },
    );
  });

  test('roundHalfEven: exact ties go to the even neighbour', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (k) => {
        // (2k + 1) / 2 lies exactly between k and k + 1.
        const result = roundHalfEven(2n * k + 1n, 2n);
        expect(result % 2n).toBe(0n);
        expect([k, k + 1n]).toContain(result);
      }),
    );
  });

  test('converting at rate "1" to the same currency is the identity', () => {
    fc.assert(
      fc.property(
        currencyArb.chain((c) => fc.tuple(fc.constant(c), minorArb(c.minorUnits))),
        fc.constantFrom('1', '1.0', '1.000000'),
        ([currency, minor], rate) => {
          const m = money(minor, currency.code);
          expect(convertMoney(m, rate, currency.code)).toEqual(m);
          expect(crossConvertMoney(m, rate, rate, currency.code)).toEqual(m);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('conversion rounds once: the result is within half a minor unit of the exact value', () => {
    const rateArb = fc
      .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 1, max: 9_999 }))
      .map(([int, frac]) => ({ text: `${int}.${String(frac).padStart(4, '0')}`, scaled: BigInt(int) * 10_000n + BigInt(frac) }));
    fc.assert(
      fc.property(minorArb(2), rateArb, (minor, rate) => {
        const result = convertMoney(money(minor, 'EUR'), rate.text, 'JPY'); // 2 → 0 digits
        // exact JPY = minor / 100 × scaled / 10^4; |result − exact| ≤ 1/2  ⇔  |2·result·10^6 − 2·minor·scaled| ≤ 10^6
        const diff = 2n * result.minor * 10n ** 6n - 2n * minor * rate.scaled;
        expect(diff <= 10n ** 6n && diff >= -(10n ** 6n)).toBe(true);
      }),
    );
  });

  test('a negated amount converts to the negated result (half-even is symmetric)', () => {
    fc.assert(
      fc.property(minorArb(2), fc.constantFrom('0.5', '1.0876', '161.23', '0.0067', '20082.05'), (minor, rate) => {
        const plus = convertMoney(money(minor, 'USD'), rate, 'JPY');
        const minus = convertMoney(money(-minor, 'USD'), rate, 'JPY');
        expect(minus.minor).toBe(-plus.minor);
      }),
    );
  });
});
