import { formatMoney, money, MoneyError } from '@finance/money';
import { goalsV1, type commonV1 } from '@finance/proto';
import { z } from 'zod';
import { component, doc, openApiRegistry } from '../openapi-registry.js';
import { AMOUNT_PATTERN, amountSyntaxError, ContractViolationError, decimalAmountField, isoDate, pageSchema, textField, timestamp } from './schemas.js';

// The goals service's resources (goals with their progress, the progress series, contributions) as
// the REST API shows them (API.md, Version 3), and the mapping to and from finance.goals.v1. The
// goals service validates authoritatively (amounts against the goal currency's precision, the
// transaction asked of the ledger, the sum of one transaction's contributions); these catch what is
// plainly wrong before any RPC.

// ---------------------------------------------------------------------------------------------
// Fields of requests

/** Surrounding spaces are ignored. */
export const goalNameField = doc(textField(100, { min: 1, trim: true }), '1–100 characters (surrounding spaces are ignored)');

export const GOAL_STATUSES = ['active', 'completed', 'cancelled'] as const;
export type GoalStatusName = (typeof GOAL_STATUSES)[number];

/** A filter of the list: every status may be asked for. */
export const goalStatusFilterField = doc(
  z.enum(GOAL_STATUSES, { error: 'must be one of active, completed, cancelled' }),
  'Only goals with this status; absent = every status',
);

/**
 * What PUT may set. `completed` is not chosen but reached: it follows the amounts, so asking for it
 * is refused with a message that says so rather than an "unknown value".
 */
export const goalStatusUpdateField = doc(
  z.enum(['active', 'cancelled'], {
    error: (issue) =>
      issue.input === 'completed'
        ? 'cannot be set to "completed": a goal is completed when current_amount reaches target_amount; set "active" or "cancelled"'
        : 'must be "active" or "cancelled"',
  }),
  '`cancelled` stops the goal; `active` resumes it (a goal whose current_amount has reached target_amount becomes `completed` instead). `completed` cannot be set: it follows the amounts',
);

// An amount of money already saved: zero or more. Zero is how most goals start, so unlike every
// other amount of the API it is accepted; the rest follows the same rules (syntax, size, no sign).
const ZERO = /^0(?:\.0+)?$/;
const savedAmountString = z.string().max(64);
openApiRegistry.add(savedAmountString, { pattern: `^(?:0(?:\\.0{1,4})?|${AMOUNT_PATTERN.source.slice(1, -1)})$`, examples: ['0', '150.00'] });
const savedAmountNumber = z.number();
openApiRegistry.add(savedAmountNumber, { minimum: 0, examples: [150] });

/** @finance/money says "greater than zero" of a negative amount; here zero is fine. */
const notNegative = (err: MoneyError) => (err.reason === 'not_positive' ? 'Amount must not be negative' : err.message);

/**
 * A request amount that may be zero (`current_amount`), read like `amountField` (decimalAmountField).
 * The goals service applies the currency's precision.
 */
export const savedAmountField = decimalAmountField({
  strings: savedAmountString,
  numbers: savedAmountNumber,
  refusal: (text) => {
    if (ZERO.test(text)) return undefined;
    const refused = amountSyntaxError(text);
    return refused && notNegative(refused);
  },
  unusable: notNegative,
  description: 'Zero or more, at most the currency’s decimal places: a decimal string ("150.00", "0") or a JSON number',
});

// ---------------------------------------------------------------------------------------------
// Proto ⇄ REST values

const STATUS_TO_PROTO: Record<GoalStatusName, goalsV1.GoalStatus> = {
  active: goalsV1.GoalStatus.GOAL_STATUS_ACTIVE,
  completed: goalsV1.GoalStatus.GOAL_STATUS_COMPLETED,
  cancelled: goalsV1.GoalStatus.GOAL_STATUS_CANCELLED,
};

/** Absent → UNSPECIFIED, which the service reads as "every status" (list) or "unchanged" (update). */
export function toProtoGoalStatus(status: GoalStatusName | undefined): goalsV1.GoalStatus {
  return status === undefined ? goalsV1.GoalStatus.GOAL_STATUS_UNSPECIFIED : STATUS_TO_PROTO[status];
}

function fromProtoGoalStatus(status: goalsV1.GoalStatus): GoalStatusName {
  for (const [name, value] of Object.entries(STATUS_TO_PROTO)) if (value === status) return name as GoalStatusName;
  throw new ContractViolationError(`goals returned status ${status}`);
}

/**
 * An amount of the goal → its decimal string with the goal currency's digits. Every amount of a goal
 * (its progress, its series, its contributions' goal_amount) is in the goal's currency; anything else
 * is a bug. (A contribution's `amount` is in its transaction's currency, which may differ.)
 */
function goalMoney(value: commonV1.Money | undefined, currency: string, what: string): string {
  if (!value) throw new ContractViolationError(`goals returned no ${what}`);
  if (value.currency && value.currency !== currency) {
    throw new ContractViolationError(`goals returned ${what} in ${value.currency} for a ${currency} goal`);
  }
  return formatMoney(money(value.minorUnits, currency));
}

const PERCENT = /^\d+\.\d\d$/;
/** An exchange rate as @finance/rates shows it: a plain positive decimal. */
const RATE = /^\d+(?:\.\d+)?$/;

function percentText(value: string): string {
  if (!PERCENT.test(value)) throw new ContractViolationError(`goals returned percent ${JSON.stringify(value)}`);
  return value;
}

const date = (value: commonV1.DateMessage | undefined, what: string) => isoDate(value, what, 'goals');

// ---------------------------------------------------------------------------------------------
// Responses

const isoTimestamp = doc(z.iso.datetime(), 'ISO 8601, UTC');
const decimal = (description: string) => doc(z.string(), description);

export const goalSchema = z.object({
  id: z.string(),
  name: z.string(),
  target_amount: decimal('Decimal string with exactly the currency’s decimal places ("1000.00", JPY "150000"); always > 0'),
  current_amount: decimal('What was saved when the goal was created plus every contribution; decimal string with the currency’s decimal places'),
  currency: doc(
    z.string(),
    'ISO 4217; every amount of the goal and its progress is in it, and so is each contribution’s `goal_amount` (a contribution’s `amount` is in its transaction’s currency)',
  ),
  deadline: doc(z.iso.date().nullable(), 'YYYY-MM-DD, the day the target should be reached; null = no deadline'),
  status: doc(
    z.enum(GOAL_STATUSES),
    '`completed` exactly while current_amount ≥ target_amount (back to `active` when it falls below); `cancelled` when you cancelled it',
  ),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});
export type GoalResponse = z.output<typeof goalSchema>;

export const goalProgressSchema = z.object({
  percent: doc(
    z.string(),
    '`current_amount` / `target_amount` × 100 as a decimal string with 2 places, rounded half-even ("85.20"); above "100.00" when more was saved than needed',
  ),
  remaining: decimal('`target_amount` − `current_amount`, never below zero'),
  contributions: doc(z.number().int(), 'How many contributions the goal has'),
  monthly_needed: doc(
    z.string().nullable(),
    '`remaining` ÷ the months left until `deadline`, a started month counting as a whole one (the fewest n ≥ 1 with today + n months ≥ `deadline`), rounded up to the minor unit: ' +
      'saved every month, it reaches the target in time. All of `remaining` when the deadline is this month, today or past; null without a deadline',
  ),
  projected_completion_date: doc(
    z.iso.date().nullable(),
    'YYYY-MM-DD: when the target is reached at the pace of the last 90 days, today + ⌈`remaining` ÷ (`saved_last_90_days` ÷ 90)⌉ days; ' +
      'null when reached already or when nothing was contributed in the last 90 days',
  ),
  on_track: doc(
    z.boolean().nullable(),
    'true when reached, or when `projected_completion_date` is on or before `deadline`; false otherwise (also with no recent contributions); null without a deadline unless reached',
  ),
  saved_last_90_days: decimal('The contributions whose transaction is dated today or in the 89 days before, summed: the pace the projection uses'),
});
export type GoalProgressResponse = z.output<typeof goalProgressSchema>;

export const goalDetailSchema = goalSchema.extend({
  progress: doc(goalProgressSchema, 'Where the goal stands today (in your time zone)'),
});
export type GoalDetailResponse = z.output<typeof goalDetailSchema>;

export const progressPointSchema = z.object({
  date: doc(z.iso.date(), 'YYYY-MM-DD'),
  amount: decimal('The goal’s current_amount at the end of that day'),
});

export const progressSeriesSchema = z.object({
  items: doc(
    z.array(progressPointSchema),
    'One point per day that changed current_amount, oldest first, cumulative: the day the goal was created (the starting amount plus contributions of transactions dated on or before it), then each later contributed transaction’s date',
  ),
});
export type ProgressSeriesResponse = z.output<typeof progressSeriesSchema>;

export const contributionSchema = z.object({
  id: z.string(),
  goal_id: z.string(),
  transaction_id: doc(z.string(), 'The transaction whose money this is; deleting the transaction removes the contribution'),
  amount: decimal(
    'The part of the transaction put towards the goal, in the TRANSACTION’s currency (`currency`), as the request’s `amount`: decimal string with that currency’s decimal places; ' +
      'a transaction’s contributions over all your goals never exceed its amount',
  ),
  currency: doc(z.string(), 'ISO 4217: the transaction’s currency, that of `amount`'),
  goal_amount: decimal(
    'What it adds to the goal’s `current_amount`, in the GOAL’s currency: `amount` converted at the ECB rate of the transaction’s date (`rate_date`), ' +
      'crossed through EUR and rounded once, half-even, to the goal currency’s decimal places; equal to `amount` when the currencies are the same',
  ),
  rate: doc(z.string(), 'Decimal string: 1 unit of `currency` in the goal’s currency, as used for `goal_amount` (shown to 10 significant digits when crossed through EUR); "1" for the same currency'),
  rate_date: doc(
    z.iso.date(),
    'YYYY-MM-DD: the ECB’s published day whose rates were used, the last on or before the transaction’s date (weekends and holidays use the day before); the transaction’s date for the same currency',
  ),
  transaction_date: doc(z.iso.date(), 'YYYY-MM-DD: the transaction’s date, the day the contribution counts on in the progress series'),
  created_at: isoTimestamp,
});
export type ContributionResponse = z.output<typeof contributionSchema>;

export const goalPageSchema = pageSchema(goalSchema);
export const contributionPageSchema = pageSchema(contributionSchema);

component(goalSchema, 'Goal');
component(goalProgressSchema, 'GoalProgress', 'Where a goal stands and what it takes to reach it');
component(goalDetailSchema, 'GoalWithProgress', 'A goal with its progress');
component(goalPageSchema, 'GoalPage', 'A page of goals');
component(progressPointSchema, 'GoalProgressPoint', 'A goal’s current_amount at the end of one day');
component(progressSeriesSchema, 'GoalProgressSeries', 'A goal’s current_amount over time');
component(contributionSchema, 'GoalContribution', 'Money of one of your transactions put towards a goal');
component(contributionPageSchema, 'GoalContributionPage', 'A page of a goal’s contributions');

export function toGoalResponse(goal: goalsV1.Goal | undefined): GoalResponse {
  if (!goal) throw new ContractViolationError('goals returned no goal');
  const target = goal.targetAmount;
  if (!target?.currency) throw new ContractViolationError('goals returned a goal without target_amount');
  const currency = target.currency;
  return {
    id: goal.id,
    name: goal.name,
    target_amount: formatMoney(money(target.minorUnits, currency)),
    current_amount: goalMoney(goal.currentAmount, currency, 'current_amount'),
    currency,
    deadline: goal.deadline ? date(goal.deadline, 'goal deadline') : null,
    status: fromProtoGoalStatus(goal.status),
    created_at: timestamp(goal.createdAt, 'goal created_at'),
    updated_at: timestamp(goal.updatedAt, 'goal updated_at'),
  };
}

export function toGoalProgressResponse(progress: goalsV1.GoalProgress | undefined, currency: string): GoalProgressResponse {
  if (!progress) throw new ContractViolationError('goals returned no progress');
  return {
    percent: percentText(progress.percent),
    remaining: goalMoney(progress.remaining, currency, 'remaining'),
    contributions: progress.contributions,
    monthly_needed: progress.monthlyNeeded ? goalMoney(progress.monthlyNeeded, currency, 'monthly_needed') : null,
    projected_completion_date: progress.projectedCompletionDate ? date(progress.projectedCompletionDate, 'projected_completion_date') : null,
    on_track: progress.onTrack ?? null,
    saved_last_90_days: goalMoney(progress.savedLast90Days, currency, 'saved_last_90_days'),
  };
}

export function toGoalDetailResponse(response: goalsV1.GetGoalResponse): GoalDetailResponse {
  const goal = toGoalResponse(response.goal);
  return { ...goal, progress: toGoalProgressResponse(response.progress, goal.currency) };
}

/** A point's amount carries its currency (the goal's); the series has no other source of it. */
export function toProgressSeriesResponse(response: goalsV1.GetGoalProgressResponse): ProgressSeriesResponse {
  return {
    items: response.items.map((point) => {
      if (!point.amount?.currency) throw new ContractViolationError('goals returned a progress point without amount');
      return { date: date(point.date, 'progress point date'), amount: formatMoney(money(point.amount.minorUnits, point.amount.currency)) };
    }),
  };
}

export function toContributionResponse(contribution: goalsV1.Contribution | undefined): ContributionResponse {
  if (!contribution) throw new ContractViolationError('goals returned no contribution');
  const amount = contribution.amount;
  if (!amount?.currency) throw new ContractViolationError('goals returned a contribution without amount');
  const goalAmount = contribution.goalAmount;
  if (!goalAmount?.currency) throw new ContractViolationError('goals returned a contribution without goal_amount');
  if (!RATE.test(contribution.rate)) throw new ContractViolationError(`goals returned rate ${JSON.stringify(contribution.rate)}`);
  return {
    id: contribution.id,
    goal_id: contribution.goalId,
    transaction_id: contribution.transactionId,
    amount: formatMoney(money(amount.minorUnits, amount.currency)),
    currency: amount.currency,
    goal_amount: formatMoney(money(goalAmount.minorUnits, goalAmount.currency)),
    rate: contribution.rate,
    rate_date: date(contribution.rateDate, 'contribution rate_date'),
    transaction_date: date(contribution.transactionDate, 'contribution transaction_date'),
    created_at: timestamp(contribution.createdAt, 'contribution created_at'),
  };
}
