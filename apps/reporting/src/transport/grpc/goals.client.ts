import { fromCalendarDate } from '@finance/calendar';
import { money } from '@finance/money';
import type { ServiceClient } from '@finance/platform';
import { goalsV1, type commonV1 } from '@finance/proto';
import type { Goals } from '../../application/context.js';
import type { GoalLine, GoalState } from '../../domain/report/model.js';
import { asReportingError, int64FromWire } from './dependency-verdicts.js';

export type GoalsClient = ServiceClient<typeof goalsV1.GoalsServiceService>;

/** The goals service's largest page. */
const GOALS_PAGE_SIZE = 200;

const { GoalStatus } = goalsV1;

const STATES: Partial<Record<goalsV1.GoalStatus, GoalState>> = {
  [GoalStatus.GOAL_STATUS_ACTIVE]: 'active',
  [GoalStatus.GOAL_STATUS_COMPLETED]: 'completed',
  [GoalStatus.GOAL_STATUS_CANCELLED]: 'cancelled',
};

function requireMoney(value: commonV1.Money | undefined, what: string) {
  if (!value?.currency) throw new Error(`goals answered a goal without ${what}`);
  return money(int64FromWire(value.minorUnits, what), value.currency);
}

function goalLine(goal: goalsV1.Goal): GoalLine {
  const status = STATES[goal.status];
  if (!status) throw new Error(`goals answered a goal of status ${goal.status}`);
  const deadline = goal.deadline && fromCalendarDate(goal.deadline);
  return { name: goal.name, target: requireMoney(goal.targetAmount, 'target_amount'), current: requireMoney(goal.currentAmount, 'current_amount'), deadline, status };
}

/** The Goals port over the goals service's ListGoals (every status, every page). */
export function goalsPort(client: GoalsClient): Goals {
  return {
    async goalsOf(userId) {
      const goals: GoalLine[] = [];
      const seen = new Set<string>();
      let cursor = '';
      do {
        let page: goalsV1.ListGoalsResponse;
        try {
          page = await client.listGoals({ userId, page: { limit: GOALS_PAGE_SIZE, cursor }, status: GoalStatus.GOAL_STATUS_UNSPECIFIED });
        } catch (err) {
          throw asReportingError(err);
        }
        goals.push(...page.items.map(goalLine));
        cursor = page.page?.nextCursor ?? '';
        // A cursor handed out twice would loop for ever.
        if (seen.has(cursor)) throw new Error('goals answered the same cursor twice');
        seen.add(cursor);
      } while (cursor);
      return goals;
    },
  };
}
