import { readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import { checkAmountSyntax, checkCurrency, parseAmount } from '@finance/platform/amount-fields';
import { charLength, hasNul } from '@finance/platform/text';
import { compareMoney, formatMoney, MoneyError, money, parseMoney, minorToDb, type Money } from '@finance/money';
import type { FieldErrors } from './errors.js';

// Goal rules. A goal is a target amount in one currency, optionally with a deadline; its current
// amount is what the user had saved when creating it (the starting amount, kept apart) plus every
// contribution (links to real transactions).

export const GOAL_NAME_MAX = 100;

export type GoalStatus = 'active' | 'completed' | 'cancelled';

/** What a user may set `status` to: `completed` follows the amounts. */
export type SettableStatus = 'active' | 'cancelled';

export const SETTABLE_STATUS_MESSAGE = 'may be set to active or cancelled only (completed follows the amounts)';

/**
 * `completed` exactly while current ≥ target, `active` below; a cancelled goal stays cancelled
 * whatever its amounts until the user sets it active again.
 */
export function statusFor(requested: GoalStatus, current: Money, target: Money): GoalStatus {
  if (requested === 'cancelled') return 'cancelled';
  return compareMoney(current, target) >= 0 ? 'completed' : 'active';
}

function checkName(errors: FieldErrors, name: string | undefined): string | undefined {
  if (name === undefined) {
    errors.add('name', `is required (1 to ${GOAL_NAME_MAX} characters)`);
    return undefined;
  }
  const trimmed = name.trim();
  const length = charLength(trimmed);
  if (length < 1 || length > GOAL_NAME_MAX) errors.add('name', `must be 1 to ${GOAL_NAME_MAX} characters (surrounding spaces are ignored)`);
  else if (hasNul(trimmed)) errors.add('name', 'must not contain NUL characters');
  return trimmed;
}

/**
 * A saved amount (`current_amount`): ≥ 0 (zero allowed, unlike a target), the currency's
 * precision, storable as a bigint. A refusal becomes a field error on `path`.
 */
export function parseSavedAmount(errors: FieldErrors, text: string, currency: string, path = 'current_amount'): Money | undefined {
  try {
    const parsed = parseMoney(text, currency);
    minorToDb(parsed.minor);
    return parsed;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    errors.add(path, err.message);
    return undefined;
  }
}

/** A currency with 4 minor digits: a saved amount that fails against it fails against every currency. */
const FINEST_CURRENCY = 'CLF';

/** The syntax, sign and size of a saved amount before its currency is known ("0" is fine, "-1" is not); decimals are the currency's to judge. */
function checkSavedSyntax(errors: FieldErrors, text: string): void {
  try {
    parseMoney(text, FINEST_CURRENCY);
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    if (err.reason !== 'precision') errors.add('current_amount', err.message);
  }
}

export interface NewGoalInput {
  name: string | undefined;
  targetAmount: string;
  currentAmount: string | undefined;
  deadline: CalendarDate | undefined;
  currency: string | undefined;
}

export interface ValidNewGoal {
  name: string;
  deadline: IsoDate | null;
  /** undefined = the user's base currency, to be asked for. */
  currency: string | undefined;
  targetText: string;
  currentText: string;
}

/** What a new goal's request alone can tell (every invalid field at once); amounts are parsed once the currency is known (goalAmounts). */
export function validateNewGoal(errors: FieldErrors, input: NewGoalInput): ValidNewGoal {
  const name = checkName(errors, input.name);
  const currentText = input.currentAmount ?? '0';
  if (input.currency !== undefined && checkCurrency(errors, input.currency)) {
    parseAmount(errors, input.targetAmount, input.currency, 'target_amount');
    parseSavedAmount(errors, currentText, input.currency);
  } else {
    checkAmountSyntax(errors, input.targetAmount, 'target_amount');
    checkSavedSyntax(errors, currentText);
  }
  const deadline = readDateField(errors, 'deadline', input.deadline, 'optional') ?? null;
  return { name: name ?? '', deadline, currency: input.currency, targetText: input.targetAmount, currentText };
}

/** The target and starting amounts in the goal's currency (known now); undefined with field errors added. */
export function goalAmounts(errors: FieldErrors, valid: ValidNewGoal, currency: string): { target: Money; current: Money } | undefined {
  if (!checkCurrency(errors, currency)) return undefined;
  const target = parseAmount(errors, valid.targetText, currency, 'target_amount');
  const current = parseSavedAmount(errors, valid.currentText, currency);
  return target && current ? { target, current } : undefined;
}

/** The fields of a goal a user controls, plus what follows from them. */
export interface GoalState {
  name: string;
  target: Money;
  /** Starting amount + every contribution. */
  current: Money;
  /** The part of `current` that is not contributions (what the user said they had saved). */
  starting: Money;
  deadline: IsoDate | null;
  status: GoalStatus;
}

export interface GoalChangesInput {
  name?: string | undefined;
  targetAmount?: string | undefined;
  currentAmount?: string | undefined;
  deadline?: CalendarDate | undefined;
  clearDeadline?: boolean | undefined;
  status?: SettableStatus | undefined;
}

/**
 * Applies a partial update: only the fields given change. A new `current_amount` is the whole
 * current amount: the starting amount becomes it minus what the contributions add, so it cannot
 * go below their total. The status follows (statusFor).
 */
export function applyGoalChanges(errors: FieldErrors, state: GoalState, input: GoalChangesInput): { next: GoalState; changed: boolean } {
  const next: GoalState = { ...state };
  const currency = state.target.currency;
  if (input.name !== undefined) next.name = checkName(errors, input.name) ?? state.name;
  if (input.targetAmount !== undefined) next.target = parseAmount(errors, input.targetAmount, currency, 'target_amount') ?? state.target;
  if (input.currentAmount !== undefined) {
    const current = parseSavedAmount(errors, input.currentAmount, currency);
    if (current) {
      const contributed = state.current.minor - state.starting.minor;
      if (current.minor < contributed) {
        errors.add('current_amount', `must be at least ${formatMoney(money(contributed, currency))}, what the goal's contributions add up to (delete contributions to go lower)`);
      } else {
        next.current = current;
        next.starting = money(current.minor - contributed, currency);
      }
    }
  }
  const deadline = readDateField(errors, 'deadline', input.deadline, 'optional');
  if (input.clearDeadline) {
    if (input.deadline !== undefined) errors.add('deadline', 'must be absent when clear_deadline is set');
    next.deadline = null;
  } else if (deadline) {
    next.deadline = deadline;
  }
  next.status = statusFor(input.status ?? (state.status === 'cancelled' ? 'cancelled' : 'active'), next.current, next.target);
  const changed =
    next.name !== state.name ||
    next.target.minor !== state.target.minor ||
    next.current.minor !== state.current.minor ||
    next.deadline !== state.deadline ||
    next.status !== state.status;
  return { next, changed };
}
