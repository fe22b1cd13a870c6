import { describe, expect, test } from '@jest/globals';
import { money } from '@finance/money';
import { milestonesCrossed, milestonesReached } from './milestones.js';

const usd = (minor: bigint) => money(minor, 'USD');
/** A goal of 1000.00 USD at `current` minor units. */
const at = (current: bigint, target = 100_000n) => ({ current: usd(current), target: usd(target) });

describe('milestonesReached', () => {
  test.each([
    [0n, []],
    [24_999n, []],
    [25_000n, [25]], // exactly on the boundary counts
    [49_999n, [25]],
    [50_000n, [25, 50]],
    [75_000n, [25, 50, 75]],
    [99_999n, [25, 50, 75]],
    [100_000n, [25, 50, 75, 100]],
    [250_000n, [25, 50, 75, 100]],
  ])('%s of 100000 minor units reaches %j', (current, expected) => {
    expect(milestonesReached(usd(current), usd(100_000n))).toEqual(expected);
  });

  test('exact on targets that do not divide by 4 (no rounded percentage decides)', () => {
    expect(milestonesReached(usd(1n), usd(3n))).toEqual([25]); // 33.3 %
    expect(milestonesReached(usd(1n), usd(4n))).toEqual([25]); // exactly 25 %
    expect(milestonesReached(usd(1n), usd(5n))).toEqual([]); // 20 %
  });
});

describe('milestonesCrossed', () => {
  test('a jump from 10 % to 80 % crosses 25, 50 and 75, in order', () => {
    expect(milestonesCrossed(at(10_000n), at(80_000n))).toEqual([25, 50, 75]);
  });

  test('landing exactly on a boundary crosses it; leaving from exactly on it does not cross it again', () => {
    expect(milestonesCrossed(at(20_000n), at(50_000n))).toEqual([25, 50]);
    expect(milestonesCrossed(at(50_000n), at(60_000n))).toEqual([]);
    expect(milestonesCrossed(at(49_999n), at(50_000n))).toEqual([50]);
  });

  test('backwards crosses nothing', () => {
    expect(milestonesCrossed(at(80_000n), at(10_000n))).toEqual([]);
    expect(milestonesCrossed(at(100_000n), at(0n))).toEqual([]);
  });

  test('no change crosses nothing', () => {
    expect(milestonesCrossed(at(30_000n), at(30_000n))).toEqual([]);
  });

  test('crossed, lost and crossed again: each crossing is reported here (the record decides that only the first is announced)', () => {
    const up = milestonesCrossed(at(20_000n), at(30_000n));
    const down = milestonesCrossed(at(30_000n), at(20_000n));
    const upAgain = milestonesCrossed(at(20_000n), at(30_000n));
    expect([up, down, upAgain]).toEqual([[25], [], [25]]);
  });

  test('a lowered target can cross milestones without any new money', () => {
    expect(milestonesCrossed(at(40_000n, 100_000n), at(40_000n, 50_000n))).toEqual([50, 75]);
  });

  test('to 100 % and beyond', () => {
    expect(milestonesCrossed(at(0n), at(300_000n))).toEqual([25, 50, 75, 100]);
  });
});
