import { describe, expect, test } from '@jest/globals';
import { money } from '@finance/money';
import { contributionAmount, planTransactionUpdate, shrinkContributions } from './contributions.js';
import { FieldErrors } from './errors.js';

const usd = (minor: bigint) => money(minor, 'USD');
const tx = { amount: usd(10_000n) }; // 100.00 USD
const amountOf = (requested: string | undefined, contributed = 0n) => contributionAmount(new FieldErrors(), tx, requested, contributed);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
};

describe('contributionAmount', () => {
  test('absent: the transaction\'s whole amount', () => {
    expect(amountOf(undefined)).toEqual(usd(10_000n));
  });

  test('a part of it, or all of it exactly', () => {
    expect(amountOf('25.50')).toEqual(usd(2_550n));
    expect(amountOf('100.00')).toEqual(usd(10_000n));
  });

  test.each([['0'], ['-1.00'], ['1.001'], ['abc'], ['1e3']])('%j is an invalid amount', (requested) => {
    expect(refusal(() => amountOf(requested))).toMatchObject({ code: 'GOALS_INVALID_FIELDS', errors: [{ path: 'amount' }] });
  });

  test('more than the transaction is an invalid amount naming it', () => {
    expect(refusal(() => amountOf('100.01'))).toMatchObject({ code: 'GOALS_INVALID_FIELDS', errors: [{ path: 'amount', message: "must not exceed the transaction's amount, 100.00 USD" }] });
  });

  test('what other goals already hold of the transaction leaves less', () => {
    expect(amountOf('60.00', 4_000n)).toEqual(usd(6_000n));
    expect(refusal(() => amountOf('60.01', 4_000n))).toMatchObject({
      kind: 'invalid_argument',
      code: 'GOALS_TRANSACTION_EXCEEDED',
      errors: [{ path: 'amount', message: 'exceeds what is left of the transaction: 60.00 USD of its 100.00 USD (40.00 USD is already contributed to your goals)' }],
    });
    expect(refusal(() => amountOf(undefined, 1n))).toMatchObject({ code: 'GOALS_TRANSACTION_EXCEEDED' });
  });
});

describe('shrinkContributions', () => {
  const newestFirst = [
    { id: 'c3', goalId: 'g1', minor: 3_000n },
    { id: 'c2', goalId: 'g2', minor: 2_000n },
    { id: 'c1', goalId: 'g1', minor: 5_000n },
  ];

  test('still fits: nothing changes', () => {
    expect(shrinkContributions(newestFirst, 10_000n)).toEqual([]);
    expect(shrinkContributions(newestFirst, 12_000n)).toEqual([]);
  });

  test('the newest shrinks first', () => {
    expect(shrinkContributions(newestFirst, 9_000n)).toEqual([{ id: 'c3', goalId: 'g1', minor: 3_000n, newMinor: 2_000n }]);
  });

  test('one shrunk to zero (removed), then the next', () => {
    expect(shrinkContributions(newestFirst, 4_000n)).toEqual([
      { id: 'c3', goalId: 'g1', minor: 3_000n, newMinor: 0n },
      { id: 'c2', goalId: 'g2', minor: 2_000n, newMinor: 0n },
      { id: 'c1', goalId: 'g1', minor: 5_000n, newMinor: 4_000n },
    ]);
  });

  test('to zero: all removed', () => {
    expect(shrinkContributions(newestFirst, 0n).map((c) => c.newMinor)).toEqual([0n, 0n, 0n]);
  });
});

describe('planTransactionUpdate', () => {
  // A EUR transaction of 100.00 held by a USD goal (g1) and a JPY goal (g2): parts in EUR, goal amounts in each goal's currency.
  const newestFirst = [
    { id: 'c2', goalId: 'g2', minor: 4_000n, goalMinor: 7_306n, goalCurrency: 'JPY' },
    { id: 'c1', goalId: 'g1', minor: 6_000n, goalMinor: 6_887n, goalCurrency: 'USD' },
  ];

  test('same amount, same date: nothing to do', () => {
    expect(planTransactionUpdate(newestFirst, 10_000n, false)).toEqual([]);
    expect(planTransactionUpdate(newestFirst, 15_000n, false)).toEqual([]);
  });

  test('lowered: only the shrunk ones, newest first, each to be converted anew (or removed at zero)', () => {
    expect(planTransactionUpdate(newestFirst, 9_000n, false)).toEqual([{ ...newestFirst[0], newMinor: 3_000n }]);
    expect(planTransactionUpdate(newestFirst, 5_000n, false)).toEqual([
      { ...newestFirst[0], newMinor: 0n },
      { ...newestFirst[1], newMinor: 5_000n },
    ]);
  });

  test('a new date: every contribution, at its part (shrunk where the amount also fell)', () => {
    expect(planTransactionUpdate(newestFirst, 10_000n, true)).toEqual([
      { ...newestFirst[0], newMinor: 4_000n },
      { ...newestFirst[1], newMinor: 6_000n },
    ]);
    expect(planTransactionUpdate(newestFirst, 7_000n, true)).toEqual([
      { ...newestFirst[0], newMinor: 1_000n },
      { ...newestFirst[1], newMinor: 6_000n },
    ]);
  });
});
