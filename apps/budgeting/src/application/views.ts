import type { IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { BudgetAnalysis } from '../domain/analysis.js';
import type { BudgetPeriodKind } from '../domain/periods.js';

/** A budget as the service answers it. */
export interface BudgetView {
  id: string;
  userId: string;
  name: string;
  amount: Money;
  period: BudgetPeriodKind;
  startDate: IsoDate;
  endDate: IsoDate | null;
  categoryId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AnalysedBudget {
  budget: BudgetView;
  /** undefined when the date lies outside the budget (before start_date, after end_date). */
  analysis: BudgetAnalysis | undefined;
}
