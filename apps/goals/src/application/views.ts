import type { IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { GoalStatus } from '../domain/goal.js';
import type { GoalProgress } from '../domain/progress.js';

/** A goal as the service answers it. */
export interface GoalView {
  id: string;
  userId: string;
  name: string;
  target: Money;
  current: Money;
  /** The part of `current` that is not contributions. */
  starting: Money;
  deadline: IsoDate | null;
  status: GoalStatus;
  /** The creation date in the user's time zone. */
  createdOn: IsoDate;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContributionView {
  id: string;
  goalId: string;
  transactionId: string;
  amount: Money;
  /** The contributed transaction's date. */
  transactionDate: IsoDate;
  createdAt: Date;
}

export interface GoalWithProgress {
  goal: GoalView;
  progress: GoalProgress;
}
