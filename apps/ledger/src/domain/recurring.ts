import { isCurrencyCode, type Money } from '@finance/money';
import { changedAmount, checkAmountSyntax, checkCurrency, parseAmount } from '@finance/platform/amount-fields';
import {
  daysBetween,
  firstOccurrenceOnOrAfter,
  fromEpochDay,
  isFrequency,
  isWeekendRule,
  readDateField,
  toEpochDay,
  FREQUENCIES,
  WEEKEND_RULES,
  type CalendarDate,
  type Frequency,
  type IsoDate,
  type Occurrence,
  type Schedule,
  type WeekendRule,
} from '@finance/calendar';
import { FieldErrors } from './errors.js';
import { categoryIdOf, checkDescription, type TransactionType } from './transaction.js';

// Recurring templates (API.md Version 3). The date rules themselves are @finance/calendar's
// (recurrence.ts); here: what a valid template is, and where its schedule continues after a change.

const FREQUENCY_MESSAGE = `must be one of ${FREQUENCIES.join(', ')}`;
const WEEKEND_MESSAGE = `must be one of ${WEEKEND_RULES.join(', ')}`;
const TYPE_MESSAGE = 'must be "income" or "expense"';

/**
 * The longest range GetRecurringOccurrences answers, in days counted inclusively (three years), and
 * the most dates it lists (a daily template over three years has more; the first 1000 are listed).
 */
export const MAX_OCCURRENCE_RANGE_DAYS = 1096;
export const MAX_LISTED_OCCURRENCES = 1000;

/** The fields of a template a user controls. */
export interface RecurringState {
  amount: Money;
  type: TransactionType;
  description: string;
  categoryId: string | null;
  frequency: Frequency;
  weekend: WeekendRule;
  startDate: IsoDate;
  endDate: IsoDate | null;
  isActive: boolean;
  autoCreate: boolean;
}

export function scheduleOf(state: Pick<RecurringState, 'frequency' | 'weekend' | 'startDate' | 'endDate'>): Schedule {
  return { frequency: state.frequency, start: state.startDate, end: state.endDate, weekend: state.weekend };
}

function checkEnd(errors: FieldErrors, start: IsoDate | undefined, end: IsoDate | null | undefined): void {
  if (start && end && end < start) errors.add('end_date', 'must not be before start_date');
}

export interface NewRecurringInput {
  amount: string;
  currency: string | undefined;
  type: TransactionType | undefined;
  /** A known frequency, or whatever was sent (reported as invalid); undefined = not sent. */
  frequency: unknown;
  /** undefined = "none". */
  weekend: unknown;
  startDate: CalendarDate | undefined;
  endDate: CalendarDate | undefined;
  description: string;
  categoryId: string | undefined;
  /** undefined = true. */
  autoCreate: boolean | undefined;
}

export interface ValidNewRecurring {
  amountText: string;
  /** Parsed already when the request named its currency. */
  amount: Money | undefined;
  currency: string | undefined;
  type: TransactionType;
  frequency: Frequency;
  weekend: WeekendRule;
  startDate: IsoDate;
  endDate: IsoDate | null;
  description: string;
  categoryId: string | null;
  autoCreate: boolean;
}

/** Checks a new template; every invalid field is reported at once (INVALID_ARGUMENT). */
export function validateNewRecurring(input: NewRecurringInput): ValidNewRecurring {
  const errors = new FieldErrors();
  let amount: Money | undefined;
  if (input.currency !== undefined) {
    if (checkCurrency(errors, input.currency)) amount = parseAmount(errors, input.amount, input.currency);
  } else {
    checkAmountSyntax(errors, input.amount);
  }
  if (input.type === undefined) errors.add('transaction_type', TYPE_MESSAGE);
  if (!isFrequency(input.frequency)) errors.add('frequency', FREQUENCY_MESSAGE);
  const weekend = input.weekend ?? 'none';
  if (!isWeekendRule(weekend)) errors.add('weekend', WEEKEND_MESSAGE);
  const startDate = readDateField(errors, 'start_date', input.startDate, 'required');
  const endDate = readDateField(errors, 'end_date', input.endDate, 'optional');
  checkEnd(errors, startDate, endDate);
  checkDescription(errors, input.description);
  const categoryId = categoryIdOf(errors, input.categoryId);
  errors.throwIfAny();
  return {
    amountText: input.amount,
    amount,
    currency: input.currency,
    type: input.type!,
    frequency: input.frequency as Frequency,
    weekend: weekend as WeekendRule,
    startDate: startDate!,
    endDate: endDate ?? null,
    description: input.description,
    categoryId,
    autoCreate: input.autoCreate ?? true,
  };
}

/** The amount of a new template once its currency is known (the user's base currency). */
export function recurringAmountIn(amountText: string, baseCurrency: string): Money {
  const errors = new FieldErrors();
  let amount: Money | undefined;
  if (!isCurrencyCode(baseCurrency)) errors.add('currency', `your base currency ${baseCurrency} cannot be used for amounts; send a currency`);
  else amount = parseAmount(errors, amountText, baseCurrency);
  errors.throwIfAny();
  return amount!;
}

export interface RecurringChangesInput {
  amount?: string | undefined;
  currency?: string | undefined;
  type?: TransactionType | undefined;
  frequency?: unknown;
  weekend?: unknown;
  startDate?: CalendarDate | undefined;
  /** A new end; see clearEndDate for "no end". */
  endDate?: CalendarDate | undefined;
  clearEndDate?: boolean | undefined;
  description?: string | undefined;
  /** "" = uncategorized. */
  categoryId?: string | undefined;
  autoCreate?: boolean | undefined;
  isActive?: boolean | undefined;
}

export interface AppliedRecurringChanges {
  next: RecurringState;
  changed: boolean;
  /** The schedule (frequency, weekend, start or end) changed: its next occurrence is found again (reanchor). */
  rescheduled: boolean;
  /** Set when the template moves to another category (which the caller must check is the user's). */
  newCategoryId: string | undefined;
}

/**
 * Applies a partial update. As for transactions, a new currency without a new amount keeps the
 * decimal amount. The result must still end on or after its start.
 */
export function applyRecurringChanges(current: RecurringState, input: RecurringChangesInput): AppliedRecurringChanges {
  const errors = new FieldErrors();
  const next: RecurringState = { ...current };
  const amount = changedAmount(errors, current.amount, input);
  if (amount) next.amount = amount;
  if (input.type !== undefined) next.type = input.type;
  if (input.frequency !== undefined) {
    if (isFrequency(input.frequency)) next.frequency = input.frequency;
    else errors.add('frequency', FREQUENCY_MESSAGE);
  }
  if (input.weekend !== undefined) {
    if (isWeekendRule(input.weekend)) next.weekend = input.weekend;
    else errors.add('weekend', WEEKEND_MESSAGE);
  }
  if (input.startDate !== undefined) {
    const start = readDateField(errors, 'start_date', input.startDate, 'optional');
    if (start) next.startDate = start;
  }
  if (input.endDate !== undefined && input.clearEndDate) {
    errors.add('end_date', 'cannot be set and cleared at once');
  } else if (input.clearEndDate) {
    next.endDate = null;
  } else if (input.endDate !== undefined) {
    const end = readDateField(errors, 'end_date', input.endDate, 'optional');
    if (end) next.endDate = end;
  }
  if (!errors.has('start_date') && !errors.has('end_date')) checkEnd(errors, next.startDate, next.endDate);
  if (input.description !== undefined) {
    checkDescription(errors, input.description);
    next.description = input.description;
  }
  if (input.categoryId !== undefined) next.categoryId = categoryIdOf(errors, input.categoryId);
  if (input.autoCreate !== undefined) next.autoCreate = input.autoCreate;
  if (input.isActive !== undefined) next.isActive = input.isActive;
  errors.throwIfAny();
  const rescheduled =
    next.frequency !== current.frequency || next.weekend !== current.weekend || next.startDate !== current.startDate || next.endDate !== current.endDate;
  const changed =
    rescheduled ||
    next.amount.minor !== current.amount.minor ||
    next.amount.currency !== current.amount.currency ||
    next.type !== current.type ||
    next.description !== current.description ||
    next.categoryId !== current.categoryId ||
    next.autoCreate !== current.autoCreate ||
    next.isActive !== current.isActive;
  return {
    next,
    changed,
    rescheduled,
    newCategoryId: next.categoryId !== null && next.categoryId !== current.categoryId ? next.categoryId : undefined,
  };
}

/**
 * Where a schedule continues: its first occurrence after the latest occurrence already created
 * (`lastCreated`, null when none was) and on or after its start. The first occurrence of a new
 * template, and the re-anchoring rule of an update: a changed schedule never produces a date on or
 * before one already created, so no occurrence is created twice and none is back-filled before it.
 * undefined = the schedule has no such occurrence (it ended).
 */
export function continuationOf(schedule: Schedule, lastCreated: IsoDate | null): Occurrence | undefined {
  if (lastCreated === null) return firstOccurrenceOnOrAfter(schedule, schedule.start);
  const dayAfter = fromEpochDay(toEpochDay(lastCreated) + 1);
  if (dayAfter === undefined) return undefined;
  return firstOccurrenceOnOrAfter(schedule, dayAfter > schedule.start ? dayAfter : schedule.start);
}

/** The inclusive range of ListRecurringOccurrences: both bounds, from <= to, at most MAX_OCCURRENCE_RANGE_DAYS days. */
export function validateOccurrenceRange(input: { from: CalendarDate | undefined; to: CalendarDate | undefined }): { from: IsoDate; to: IsoDate } {
  const errors = new FieldErrors();
  const from = readDateField(errors, 'from', input.from, 'required');
  const to = readDateField(errors, 'to', input.to, 'required');
  if (from && to) {
    if (from > to) errors.add('from', 'must not be after to');
    else if (daysBetween(from, to) + 1 > MAX_OCCURRENCE_RANGE_DAYS) errors.add('to', `the range must be at most ${MAX_OCCURRENCE_RANGE_DAYS} days (three years)`);
  }
  errors.throwIfAny();
  return { from: from!, to: to! };
}
