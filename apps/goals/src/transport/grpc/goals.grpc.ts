import { toCalendarDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { AsyncServiceImplementation, GrpcServiceRegistration } from '@finance/platform';
import { goalsV1 } from '@finance/proto';
import { contribute, deleteContribution, listContributions } from '../../application/contributions.js';
import type { GoalsContext } from '../../application/context.js';
import { createGoal, deleteGoal, getGoal, getGoalProgress, listGoals, updateGoal } from '../../application/goals.js';
import type { ContributionView, GoalView } from '../../application/views.js';
import { errors } from '../../domain/errors.js';
import { SETTABLE_STATUS_MESSAGE, type GoalStatus, type SettableStatus } from '../../domain/goal.js';
import type { GoalProgress } from '../../domain/progress.js';

const { GoalStatus: ProtoStatus } = goalsV1;

const STATUSES: Partial<Record<goalsV1.GoalStatus, GoalStatus>> = {
  [ProtoStatus.GOAL_STATUS_ACTIVE]: 'active',
  [ProtoStatus.GOAL_STATUS_COMPLETED]: 'completed',
  [ProtoStatus.GOAL_STATUS_CANCELLED]: 'cancelled',
};

const PROTO_STATUSES: Record<GoalStatus, goalsV1.GoalStatus> = {
  active: ProtoStatus.GOAL_STATUS_ACTIVE,
  completed: ProtoStatus.GOAL_STATUS_COMPLETED,
  cancelled: ProtoStatus.GOAL_STATUS_CANCELLED,
};

/** A list filter: UNSPECIFIED = every status; a number outside the enum is an invalid field. */
function statusFilterFromProto(value: goalsV1.GoalStatus): GoalStatus | undefined {
  if (value === ProtoStatus.GOAL_STATUS_UNSPECIFIED) return undefined;
  const status = STATUSES[value];
  if (!status) throw errors.invalidField('status', 'must be one of active, completed, cancelled');
  return status;
}

/** An update: UNSPECIFIED = unchanged; ACTIVE or CANCELLED; COMPLETED (it follows the amounts) or anything else is refused. */
function settableStatusFromProto(value: goalsV1.GoalStatus): SettableStatus | undefined {
  if (value === ProtoStatus.GOAL_STATUS_UNSPECIFIED) return undefined;
  if (value === ProtoStatus.GOAL_STATUS_ACTIVE) return 'active';
  if (value === ProtoStatus.GOAL_STATUS_CANCELLED) return 'cancelled';
  throw errors.invalidField('status', SETTABLE_STATUS_MESSAGE);
}

const toMoney = (m: Money) => ({ minorUnits: m.minor.toString(), currency: m.currency });

function toGoal(g: GoalView): goalsV1.Goal {
  return {
    id: g.id,
    userId: g.userId,
    name: g.name,
    targetAmount: toMoney(g.target),
    currentAmount: toMoney(g.current),
    deadline: g.deadline === null ? undefined : toCalendarDate(g.deadline),
    status: PROTO_STATUSES[g.status],
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  };
}

function toProgress(p: GoalProgress): goalsV1.GoalProgress {
  return {
    percent: p.percent,
    remaining: toMoney(p.remaining),
    contributions: p.contributions,
    monthlyNeeded: p.monthlyNeeded && toMoney(p.monthlyNeeded),
    projectedCompletionDate: p.projectedCompletionDate && toCalendarDate(p.projectedCompletionDate),
    onTrack: p.onTrack,
    savedLast90Days: toMoney(p.savedLast90Days),
  };
}

function toContribution(c: ContributionView): goalsV1.Contribution {
  return {
    id: c.id,
    goalId: c.goalId,
    transactionId: c.transactionId,
    amount: toMoney(c.amount),
    transactionDate: toCalendarDate(c.transactionDate),
    createdAt: c.createdAt,
    goalAmount: toMoney(c.goalAmount),
    rate: c.rate,
    rateDate: toCalendarDate(c.rateDate),
  };
}

/** proto ⇄ use cases, nothing more. */
export function goalsGrpcService(ctx: GoalsContext): AsyncServiceImplementation<typeof goalsV1.GoalsServiceService> {
  return {
    createGoal: async (req) => {
      const goal = await createGoal(ctx, {
        userId: req.userId,
        name: req.name,
        targetAmount: req.targetAmount,
        currentAmount: req.currentAmount,
        deadline: req.deadline,
        currency: req.currency,
      });
      return { goal: toGoal(goal) };
    },
    getGoal: async (req) => {
      const { goal, progress } = await getGoal(ctx, { userId: req.userId, id: req.id });
      return { goal: toGoal(goal), progress: toProgress(progress) };
    },
    listGoals: async (req) => {
      const page = await listGoals(ctx, { userId: req.userId, status: statusFilterFromProto(req.status), limit: req.page?.limit, cursor: req.page?.cursor });
      return { items: page.items.map(toGoal), page: { nextCursor: page.nextCursor } };
    },
    updateGoal: async (req) => {
      const goal = await updateGoal(ctx, {
        userId: req.userId,
        id: req.id,
        name: req.name,
        targetAmount: req.targetAmount,
        currentAmount: req.currentAmount,
        deadline: req.deadline,
        clearDeadline: req.clearDeadline,
        status: settableStatusFromProto(req.status),
      });
      return { goal: toGoal(goal) };
    },
    deleteGoal: async (req) => {
      await deleteGoal(ctx, { userId: req.userId, id: req.id });
      return {};
    },
    getGoalProgress: async (req) => {
      const { currency, points } = await getGoalProgress(ctx, { userId: req.userId, id: req.id, from: req.from, to: req.to });
      return { items: points.map((p) => ({ date: toCalendarDate(p.date), amount: { minorUnits: p.minor.toString(), currency } })) };
    },
    contribute: async (req) => {
      const { contribution, goal } = await contribute(ctx, { userId: req.userId, goalId: req.goalId, transactionId: req.transactionId, amount: req.amount });
      return { contribution: toContribution(contribution), goal: toGoal(goal) };
    },
    listContributions: async (req) => {
      const page = await listContributions(ctx, { userId: req.userId, goalId: req.goalId, limit: req.page?.limit, cursor: req.page?.cursor });
      return { items: page.items.map(toContribution), page: { nextCursor: page.nextCursor } };
    },
    deleteContribution: async (req) => {
      await deleteContribution(ctx, { userId: req.userId, goalId: req.goalId, id: req.id });
      return {};
    },
  };
}

/** The goals service as startGrpcServer registers it (the composition root sees no generated types). */
export function goalsGrpcRegistration(ctx: GoalsContext): GrpcServiceRegistration {
  return { definition: goalsV1.GoalsServiceService, implementation: goalsGrpcService(ctx) };
}
