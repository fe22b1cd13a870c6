import type { Money } from '@finance/money';

// Milestones: 25, 50, 75 and 100 % of a goal's target. Compared exactly on minor units
// (current × 100 ≥ milestone × target), never through a rounded percentage, so a goal exactly on a
// boundary has reached it and one a cent below has not.

export const MILESTONES = [25, 50, 75, 100] as const;
export type Milestone = (typeof MILESTONES)[number];

/** The milestones `current` has reached of `target` (target > 0), ascending. */
export function milestonesReached(current: Money, target: Money): Milestone[] {
  if (target.minor <= 0n) throw new RangeError('a goal target is always > 0');
  return MILESTONES.filter((m) => current.minor * 100n >= BigInt(m) * target.minor);
}

/**
 * The milestones a change of a goal's amounts reaches that it had not reached before, ascending:
 * 10 % → 80 % crosses 25, 50 and 75; a change backwards (or sideways) crosses none. Whether a
 * milestone crossed is announced is decided by its record (once per goal and milestone, ever).
 */
export function milestonesCrossed(previous: { current: Money; target: Money }, next: { current: Money; target: Money }): Milestone[] {
  const before = new Set(milestonesReached(previous.current, previous.target));
  return milestonesReached(next.current, next.target).filter((m) => !before.has(m));
}
