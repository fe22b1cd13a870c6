import { describe, expect, test } from '@jest/globals';
import { retryDelayMs } from './backoff.js';
import { DEFAULT_PREFERENCES, deliveryFor, sourceKey } from './notification.js';

describe('delivery by preferences', () => {
  test('every kind on and e-mail on: in the app and by e-mail', () => {
    for (const kind of ['budget_threshold', 'goal_milestone', 'recurring_upcoming'] as const) expect(deliveryFor(kind, DEFAULT_PREFERENCES, true)).toBe('in_app_and_email');
  });

  test('email off, or no address: in the app only', () => {
    expect(deliveryFor('goal_milestone', { ...DEFAULT_PREFERENCES, email: false }, true)).toBe('in_app');
    expect(deliveryFor('goal_milestone', DEFAULT_PREFERENCES, false)).toBe('in_app');
  });

  test('a kind switched off: nothing at all, whatever e-mail says', () => {
    expect(deliveryFor('budget_threshold', { ...DEFAULT_PREFERENCES, budget_alerts: false }, true)).toBe('none');
    expect(deliveryFor('goal_milestone', { ...DEFAULT_PREFERENCES, goal_milestones: false }, true)).toBe('none');
    expect(deliveryFor('recurring_upcoming', { ...DEFAULT_PREFERENCES, recurring_reminders: false }, true)).toBe('none');
    // only its own switch counts
    expect(deliveryFor('recurring_upcoming', { ...DEFAULT_PREFERENCES, budget_alerts: false, goal_milestones: false }, true)).toBe('in_app_and_email');
  });
});

describe('source keys', () => {
  test('name what is announced, case-insensitively for ids', () => {
    expect(sourceKey.budgetThreshold('AB', '2026-03-01', 80)).toBe('budget:ab:2026-03-01:80');
    expect(sourceKey.budgetThreshold('ab', '2026-03-01', 100)).not.toBe(sourceKey.budgetThreshold('ab', '2026-03-01', 80));
    expect(sourceKey.goalMilestone('G', 25)).toBe('goal:g:25');
    expect(sourceKey.recurringUpcoming('R', '2026-03-16')).toBe('recurring:r:2026-03-16');
  });
});

describe('retry delays', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };
  test('double from the base, capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, policy))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(retryDelayMs(10_000, policy)).toBe(60_000);
  });
  test('a count below 1 is a bug', () => {
    expect(() => retryDelayMs(0, policy)).toThrow(RangeError);
  });
});
