// Property tests: the schedule rules (see the header of recurrence.ts) must hold for every frequency,
// anchor, end and weekend rule, not only for the examples in recurrence.test.ts. The oracle is a
// brute-force walk over n = 0, 1, 2, ... that restates the rules literally; nthDate itself is checked
// against the anchor rule restated on calendar parts.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { daysBetween, daysInMonth, fromCalendarDate, fromEpochDay, isLeapYear, isoDate, MAX_ISO_DATE, toCalendarDate, toEpochDay, type IsoDate } from './calendar.js';
import {
  applyWeekendRule,
  FREQUENCIES,
  firstOccurrenceOnOrAfter,
  nthDate,
  occurrenceAfter,
  occurrencesBetween,
  WEEKEND_RULES,
  type Frequency,
  type Occurrence,
  type Schedule,
} from './recurrence.js';

const frequencyArb = fc.constantFrom(...FREQUENCIES);
const weekendArb = fc.constantFrom(...WEEKEND_RULES);

/** Dates in [minYear, maxYear], with month ends (28th–31st, clamped to the month) much more likely than chance. */
function dateArb(minYear: number, maxYear: number): fc.Arbitrary<IsoDate> {
  return fc
    .record({
      year: fc.integer({ min: minYear, max: maxYear }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.oneof(fc.constantFrom(1, 15, 28, 29, 30, 31), fc.integer({ min: 1, max: 31 })),
    })
    .map(({ year, month, day }) => fromCalendarDate({ year, month, day: Math.min(day, daysInMonth(year, month)) }) as IsoDate);
}

const feb29Arb: fc.Arbitrary<IsoDate> = fc
  .integer({ min: 1, max: 2499 })
  .map((n) => n * 4)
  .filter(isLeapYear)
  .map((year) => fromCalendarDate({ year, month: 2, day: 29 }) as IsoDate);

const anchorArb = fc.oneof(
  { arbitrary: dateArb(1890, 2210), weight: 4 },
  { arbitrary: feb29Arb, weight: 1 },
  { arbitrary: dateArb(9990, 9999), weight: 1 },
  { arbitrary: dateArb(1, 9999), weight: 1 },
);

/** `date` moved by `days`, or undefined off the calendar (the property then skips that input). */
const shift = (date: IsoDate, days: number): IsoDate | undefined => fromEpochDay(toEpochDay(date) + days);

// How far past the anchor ends and lookups are drawn: a few hundred occurrences of each frequency, so
// the brute-force walk stays cheap.
const SPAN_DAYS: Record<Frequency, number> = { daily: 600, weekly: 3_000, monthly: 10_000, yearly: 100_000 };

// Weekday oracle independent of the code's own (which counts from 1970-01-01, a Thursday).
const A_MONDAY = toEpochDay(isoDate('2024-01-01'));
const isWeekend = (date: IsoDate) => (((toEpochDay(date) - A_MONDAY) % 7) + 7) % 7 >= 5;

interface Scenario {
  schedule: Schedule;
  /** Two dates around the schedule for lookups (undefined when off the calendar: skipped). */
  from: IsoDate | undefined;
  to: IsoDate | undefined;
}

const scenarioArb: fc.Arbitrary<Scenario> = frequencyArb.chain((frequency) =>
  fc
    .record({
      start: anchorArb,
      weekend: weekendArb,
      endOffset: fc.option(fc.integer({ min: -3, max: SPAN_DAYS[frequency] }), { nil: undefined, freq: 2 }),
      fromOffset: fc.integer({ min: -40, max: SPAN_DAYS[frequency] }),
      length: fc.integer({ min: 0, max: SPAN_DAYS[frequency] / 4 }),
    })
    .map(({ start, weekend, endOffset, fromOffset, length }) => {
      const from = shift(start, fromOffset);
      return {
        schedule: { frequency, start, weekend, end: endOffset === undefined ? null : (shift(start, endOffset) ?? MAX_ISO_DATE) },
        from,
        to: from === undefined ? undefined : shift(from, length),
      };
    }),
);

/**
 * The oracle: the rules of recurrence.ts restated literally. Every occurrence whose moved date is on
 * or before `until`, walking n from 0.
 */
function bruteForce(schedule: Schedule, until: IsoDate): Occurrence[] {
  const { frequency, start, end, weekend } = schedule;
  const occurrences: Occurrence[] = [];
  for (let n = 0; ; n++) {
    const nominal = nthDate(frequency, start, n);
    if (nominal === undefined || (end !== null && nominal > end)) return occurrences;
    // A move is at most 2 days: from here on no moved date can be on or before `until`.
    if (daysBetween(until, nominal) > 2) return occurrences;
    const moved = applyWeekendRule(nominal, weekend);
    const last = occurrences.at(-1);
    if (moved < start || (last !== undefined && moved <= last.date) || moved > until) continue;
    occurrences.push({ index: n, date: moved });
  }
}

/** Up to `count` occurrences from the first one, each found with occurrenceAfter from the one before. */
function walk(schedule: Schedule, count: number): Occurrence[] {
  const occurrences: Occurrence[] = [];
  let next = firstOccurrenceOnOrAfter(schedule, schedule.start);
  while (next !== undefined && occurrences.length < count) {
    occurrences.push(next);
    next = occurrenceAfter(schedule, next);
  }
  return occurrences;
}

describe('nthDate', () => {
  test('occurrence n is n days/weeks after start, or in the n-th month/year on the anchor day when it has one (else its last day)', () => {
    fc.assert(
      fc.property(frequencyArb, anchorArb, fc.integer({ min: 0, max: 2_400 }), (frequency, start, n) => {
        const s = toCalendarDate(start);
        let expected: IsoDate | undefined;
        if (frequency === 'daily' || frequency === 'weekly') {
          expected = shift(start, frequency === 'daily' ? n : n * 7);
        } else {
          const monthsAhead = frequency === 'monthly' ? n : n * 12;
          const year = s.year + Math.floor((s.month - 1 + monthsAhead) / 12);
          const month = ((s.month - 1 + monthsAhead) % 12) + 1;
          const lastDay = year <= 9999 ? daysInMonth(year, month) : 31;
          expected = fromCalendarDate({ year, month, day: s.day <= lastDay ? s.day : lastDay });
        }
        expect(nthDate(frequency, start, n)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  test('monthly from the 31st never drifts: occurrence n is on min(31, days in its month)', () => {
    const the31stArb = fc
      .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.constantFrom(1, 3, 5, 7, 8, 10, 12) })
      .map(({ year, month }) => fromCalendarDate({ year, month, day: 31 }) as IsoDate);
    fc.assert(
      fc.property(the31stArb, fc.integer({ min: 0, max: 1_200 }), (start, n) => {
        const date = nthDate('monthly', start, n);
        fc.pre(date !== undefined);
        const { year, month, day } = toCalendarDate(date);
        expect(day).toBe(Math.min(31, daysInMonth(year, month)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('applyWeekendRule', () => {
  test("a weekday never moves; a weekend day moves at most 2 days, the right way, onto the nearest weekday", () => {
    fc.assert(
      fc.property(dateArb(1, 9999), weekendArb, (date, rule) => {
        const moved = applyWeekendRule(date, rule);
        if (rule === 'none' || !isWeekend(date)) {
          expect(moved).toBe(date);
          return;
        }
        expect(isWeekend(moved)).toBe(false);
        const days = daysBetween(date, moved);
        if (rule === 'before') expect([-1, -2]).toContain(days);
        else expect([1, 2]).toContain(days);
        // Nearest: the day between (if any) is a weekend day too.
        if (Math.abs(days) === 2) expect(isWeekend(shift(date, days / 2)!)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('schedule properties', () => {
  test("with 'none', occurrence n found by walking equals nthDate(n) computed directly", () => {
    fc.assert(
      fc.property(frequencyArb, anchorArb, (frequency, start) => {
        const schedule: Schedule = { frequency, start, end: null, weekend: 'none' };
        const walked = walk(schedule, 120);
        const direct = walked.map((_, n) => ({ index: n, date: nthDate(frequency, start, n) }));
        expect(walked).toEqual(direct);
      }),
      { numRuns: 300 },
    );
  });

  test('dates strictly increase and stay within [start, end] (end + 2 days with after); no weekend date when a rule is set', () => {
    fc.assert(
      fc.property(scenarioArb, ({ schedule }) => {
        const occurrences = walk(schedule, 80);
        const lastAllowed = schedule.end === null ? MAX_ISO_DATE : schedule.weekend === 'after' ? (shift(schedule.end, 2) ?? MAX_ISO_DATE) : schedule.end;
        // Broken rules are collected and compared once: an expect per occurrence would make this slow.
        const broken = occurrences.flatMap((occurrence, i) => {
          const previous = occurrences[i - 1];
          const nominal = nthDate(schedule.frequency, schedule.start, occurrence.index);
          return [
            previous !== undefined && !(occurrence.date > previous.date && occurrence.index > previous.index) && 'not increasing',
            occurrence.date < schedule.start && 'before start',
            occurrence.date > lastAllowed && 'after end',
            schedule.weekend !== 'none' && isWeekend(occurrence.date) && 'on a weekend',
            // An occurrence's date is its nominal date after the weekend rule.
            (nominal === undefined || occurrence.date !== applyWeekendRule(nominal, schedule.weekend)) && 'not its moved nominal date',
          ]
            .filter((problem) => problem !== false)
            .map((problem) => `${occurrence.index} ${occurrence.date}: ${problem}`);
        });
        expect(broken).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  test('walking with occurrenceAfter visits exactly the brute-force occurrences', () => {
    fc.assert(
      fc.property(scenarioArb, ({ schedule, to }) => {
        fc.pre(to !== undefined);
        const expected = bruteForce(schedule, to);
        expect(walk(schedule, expected.length + 1).filter((o) => o.date <= to)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  test('firstOccurrenceOnOrAfter(from) is the first brute-force occurrence on or after from', () => {
    fc.assert(
      fc.property(scenarioArb, ({ schedule, from }) => {
        fc.pre(from !== undefined);
        // The next occurrence may lie more than a year after `from` (yearly, when the weekend rule
        // drops the first one as falling before start_date), never more than two: walk three.
        const expected = bruteForce(schedule, shift(from, 1_100) ?? MAX_ISO_DATE).find((o) => o.date >= from);
        expect(firstOccurrenceOnOrAfter(schedule, from)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  test('occurrencesBetween(from, to, limit) is the brute-force dates in [from, to], the first `limit` of them', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 40 }), ({ schedule, from, to }, limit) => {
        fc.pre(from !== undefined && to !== undefined);
        const expected = bruteForce(schedule, to)
          .map((o) => o.date)
          .filter((date) => date >= from)
          .slice(0, limit);
        expect(occurrencesBetween(schedule, from, to, limit)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  test('anywhere in years 1..9999, firstOccurrenceOnOrAfter agrees with walking from a little earlier', () => {
    fc.assert(
      fc.property(frequencyArb, dateArb(1, 2100), weekendArb, dateArb(1, 9999), (frequency, start, weekend, from) => {
        const schedule: Schedule = { frequency, start, end: null, weekend };
        const found = firstOccurrenceOnOrAfter(schedule, from);
        // The walk starts from an occurrence found a month (or a year) earlier and steps to `from`.
        const earlier = shift(from, frequency === 'yearly' ? -400 : -40);
        let expected = earlier === undefined ? firstOccurrenceOnOrAfter(schedule, schedule.start) : firstOccurrenceOnOrAfter(schedule, earlier);
        while (expected !== undefined && expected.date < from) expected = occurrenceAfter(schedule, expected);
        expect(found).toEqual(expected);
        if (found !== undefined) {
          expect(found.date >= from && found.date >= start).toBe(true);
          expect(found.date).toBe(applyWeekendRule(nthDate(frequency, start, found.index)!, weekend));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
