import { randomUUID } from 'node:crypto';
import { localDate, readDateField, type CalendarDate } from '@finance/calendar';
import { canonicalUuid } from '@finance/platform/ids';
import { errors, FieldErrors } from '../domain/errors.js';
import { applyGoalChanges, goalAmounts, statusFor, validateNewGoal, type GoalChangesInput, type GoalState, type GoalStatus, type NewGoalInput } from '../domain/goal.js';
import { milestonesReached } from '../domain/milestones.js';
import { decodeKeysetCursor, encodeKeysetCursor, resolvePageSize, toPage, type Page } from '../domain/pagination.js';
import { goalProgress, progressSeries, type ProgressPoint } from '../domain/progress.js';
import { selectDatedContributions } from '../persistence/contribution.queries.js';
import { deleteGoal as deleteGoalRow, findGoal, insertGoal, insertMilestones, selectGoalPage } from '../persistence/goal.queries.js';
import type { GoalsContext } from './context.js';
import { guardUserWrite } from './erasure.js';
import { saveGoalState, stateOf } from './goal-state.js';
import { requireUserId } from './users.js';
import type { GoalView, GoalWithProgress } from './views.js';

/** Another user's, unknown and malformed ids are all simply "not found". */
export function requireGoalId(id: string): string {
  const canonical = canonicalUuid(id);
  if (!canonical) throw errors.goalNotFound();
  return canonical;
}

/** The user's goal, or GOALS_GOAL_NOT_FOUND. */
export async function requireGoal(ctx: GoalsContext, userId: string, goalId: string): Promise<GoalView> {
  const goal = await findGoal(ctx.orm.em.fork(), userId, requireGoalId(goalId));
  if (!goal) throw errors.goalNotFound();
  return goal;
}

export interface CreateGoalInput extends NewGoalInput {
  userId: string;
}

/**
 * Creates a goal. Auth is asked for the user's profile: the base currency when the request names
 * none, and the time zone, whose date today is the goal's creation date (the progress series starts
 * there). Milestones the starting amount already meets are recorded without an announcement: they
 * were not reached by saving toward the goal. Every invalid field is reported at once.
 */
export async function createGoal(ctx: GoalsContext, input: CreateGoalInput): Promise<GoalView> {
  const userId = requireUserId(input.userId);
  const fields = new FieldErrors();
  const valid = validateNewGoal(fields, input);
  fields.throwIfAny();

  const profile = await ctx.users.profileOf(userId);
  const amounts = goalAmounts(fields, valid, valid.currency ?? profile.baseCurrency);
  fields.throwIfAny();
  const { target, current } = amounts!;
  const now = ctx.now();
  const state: GoalState = { name: valid.name, target, current, starting: current, deadline: valid.deadline, status: statusFor('active', current, target) };
  return ctx.orm.em.fork().transactional(async (tx) => {
    await guardUserWrite(tx, userId);
    const goal = await insertGoal(tx, { id: randomUUID(), userId, state, createdOn: localDate(now, profile.timezone), now });
    await insertMilestones(tx, goal.id, milestonesReached(current, target), now);
    return goal;
  });
}

/** The goal with its progress as of today in the user's time zone (asked from auth). */
export async function getGoal(ctx: GoalsContext, input: { userId: string; id: string }): Promise<GoalWithProgress> {
  const userId = requireUserId(input.userId);
  const goal = await requireGoal(ctx, userId, input.id);
  const [profile, contributions] = await Promise.all([ctx.users.profileOf(userId), selectDatedContributions(ctx.orm.em.fork(), goal.id)]);
  const today = localDate(ctx.now(), profile.timezone);
  return { goal, progress: goalProgress({ target: goal.target, current: goal.current, deadline: goal.deadline, today, contributions }) };
}

export async function listGoals(
  ctx: GoalsContext,
  input: { userId: string; status?: GoalStatus | undefined; limit?: number | undefined; cursor?: string | undefined },
): Promise<Page<GoalView>> {
  const userId = requireUserId(input.userId);
  const limit = resolvePageSize(input.limit);
  const after = decodeKeysetCursor('goals', input.cursor);
  const rows = await selectGoalPage(ctx.orm.em.fork(), userId, { status: input.status, after, limit: limit + 1 });
  const page = toPage(rows, limit, (last) => encodeKeysetCursor('goals', { createdKey: last.createdKey, id: last.view.id }));
  return { items: page.items.map((r) => r.view), nextCursor: page.nextCursor };
}

export interface UpdateGoalInput extends GoalChangesInput {
  userId: string;
  id: string;
}

/**
 * Changes the fields given. The changes are checked against the goal as read, then applied again to
 * the row locked in the transaction, so a concurrent contribution or update is not lost and the
 * result is still a valid goal. Milestones the change reaches are announced (saveGoalState).
 */
export async function updateGoal(ctx: GoalsContext, input: UpdateGoalInput): Promise<GoalView> {
  const userId = requireUserId(input.userId);
  const current = await requireGoal(ctx, userId, input.id);
  const fields = new FieldErrors();
  const applied = applyGoalChanges(fields, stateOf(current), input);
  fields.throwIfAny();
  if (!applied.changed) return current;

  const { goal, events } = await ctx.orm.em.fork().transactional(async (tx) => {
    await guardUserWrite(tx, userId);
    const locked = await findGoal(tx, userId, current.id, { forUpdate: true });
    if (!locked) throw errors.goalNotFound();
    const again = new FieldErrors();
    const { next, changed } = applyGoalChanges(again, stateOf(locked), input);
    again.throwIfAny();
    if (!changed) return { goal: locked, events: 0 };
    return saveGoalState(tx, locked, next, ctx.now());
  });
  if (events) ctx.eventsWritten();
  return goal;
}

/** Deletes the goal with its contributions (the transactions stay in the ledger) and milestone marks. */
export async function deleteGoal(ctx: GoalsContext, input: { userId: string; id: string }): Promise<void> {
  const userId = requireUserId(input.userId);
  const id = requireGoalId(input.id);
  if (!(await deleteGoalRow(ctx.orm.em.fork(), userId, id))) throw errors.goalNotFound();
}

/** current_amount over time (progressSeries), within the optional inclusive `from`/`to`. */
export async function getGoalProgress(
  ctx: GoalsContext,
  input: { userId: string; id: string; from?: CalendarDate | undefined; to?: CalendarDate | undefined },
): Promise<{ currency: string; points: ProgressPoint[] }> {
  const userId = requireUserId(input.userId);
  const fields = new FieldErrors();
  const from = readDateField(fields, 'from', input.from, 'optional');
  const to = readDateField(fields, 'to', input.to, 'optional');
  if (from && to && from > to) fields.add('from', 'must not be after `to`');
  fields.throwIfAny();
  const goal = await requireGoal(ctx, userId, input.id);
  const contributions = await selectDatedContributions(ctx.orm.em.fork(), goal.id);
  return { currency: goal.target.currency, points: progressSeries({ createdOn: goal.createdOn, startingMinor: goal.starting.minor, contributions, from, to }) };
}
