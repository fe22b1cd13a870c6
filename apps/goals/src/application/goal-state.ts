import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueEvent } from '@finance/events';
import { goalMilestoneReached } from '@finance/events/contracts/goals';
import { money } from '@finance/money';
import { statusFor, type GoalState } from '../domain/goal.js';
import { milestonesCrossed } from '../domain/milestones.js';
import { errors } from '../domain/errors.js';
import { insertMilestones, updateGoalState } from '../persistence/goal.queries.js';
import type { GoalView } from './views.js';

export function stateOf(g: GoalView): GoalState {
  return { name: g.name, target: g.target, current: g.current, starting: g.starting, deadline: g.deadline, status: g.status };
}

/**
 * Writes a goal's new state (its row locked by the caller's transaction) and announces the
 * milestones the change reaches for the first time: each crossed milestone is recorded `on conflict
 * do nothing` and its event goes into the outbox only when the record is new, so a milestone is
 * announced once per goal, ever (crossed, lost and crossed again: once). A cancelled goal announces
 * nothing. Returns the goal and how many events were written.
 */
export async function saveGoalState(tx: EntityManager, before: GoalView, next: GoalState, now: Date): Promise<{ goal: GoalView; events: number }> {
  const goal = await updateGoalState(tx, before.id, next, now);
  if (!goal) throw errors.goalNotFound();
  if (next.status === 'cancelled') return { goal, events: 0 };
  const crossed = milestonesCrossed(before, next);
  const fresh = await insertMilestones(tx, goal.id, crossed, now);
  for (const milestone of fresh) {
    enqueueEvent(tx, goalMilestoneReached, {
      user_id: goal.userId,
      goal_id: goal.id,
      name: goal.name,
      milestone,
      target_amount_minor: goal.target.minor.toString(),
      current_amount_minor: goal.current.minor.toString(),
      currency: goal.target.currency,
      occurred_at: now.toISOString(),
    });
  }
  return { goal, events: fresh.length };
}

/** The goal's state with `delta` minor units added to its current amount (contributions come and go), status following. */
export function withContributionDelta(goal: GoalView, delta: bigint): GoalState {
  const current = money(goal.current.minor + delta, goal.current.currency);
  return { ...stateOf(goal), current, status: statusFor(goal.status === 'cancelled' ? 'cancelled' : 'active', current, goal.target) };
}
