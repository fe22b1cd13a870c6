import type { IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { GoalState } from '../domain/goal.js';
import type { GoalProgress } from '../domain/progress.js';

/** A goal as the service answers it: its state plus who owns it and when it was made. */
export interface GoalView extends GoalState {
  id: string;
  userId: string;
  /** The creation date in the user's time zone. */
  createdOn: IsoDate;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContributionView {
  id: string;
  goalId: string;
  transactionId: string;
  /** The part of the transaction, in the transaction's currency (the limit over all goals is on these). */
  amount: Money;
  /** What it adds to the goal, in the goal's currency: `amount` at the rate of the transaction's date, rounded once, half-even. */
  goalAmount: Money;
  /** 1 unit of amount.currency in goalAmount.currency, a decimal string for display ("1": same currency). */
  rate: string;
  /** The published ECB day the rate comes from (the transaction's date itself for the same currency). */
  rateDate: IsoDate;
  /** The contributed transaction's date. */
  transactionDate: IsoDate;
  createdAt: Date;
}

export interface GoalWithProgress {
  goal: GoalView;
  progress: GoalProgress;
}
