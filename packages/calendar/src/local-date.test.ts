import { describe, expect, test } from '@jest/globals';
import { localDate } from './local-date.js';

describe('localDate', () => {
  const instant = new Date('2026-03-31T20:30:00Z');

  test.each([
    ['UTC', '2026-03-31'],
    ['Europe/Paris', '2026-03-31'], // 22:30, summer time
    ['Pacific/Kiritimati', '2026-04-01'], // UTC+14
    ['Asia/Tokyo', '2026-04-01'], // 05:30 next day
    ['America/Los_Angeles', '2026-03-31'],
  ])('in %s it is %s', (zone, expected) => {
    expect(localDate(instant, zone)).toBe(expected);
  });

  test('behind UTC the date is still yesterday', () => {
    expect(localDate(new Date('2026-01-01T03:00:00Z'), 'America/New_York')).toBe('2025-12-31');
  });

  test('an empty or unknown zone counts as UTC', () => {
    expect(localDate(instant, '')).toBe('2026-03-31');
    expect(localDate(new Date('2026-01-01T03:00:00Z'), 'Not/AZone')).toBe('2026-01-01');
  });
});
