import { randomUUID } from 'node:crypto';
import { parseMoney } from '@finance/money';
import { budgetingV1, ledgerV1, reportingV1, type authV1, type commonV1 } from '@finance/proto';

// Answers as the services put them on the wire, with plain defaults: a test states only the fields
// it is about.

export const protoDate = (iso: string): commonV1.DateMessage => {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

/** `money('12.50')` = 1250 minor units of USD. */
export const money = (amount: string, currency = 'USD'): commonV1.Money => ({ minorUnits: parseMoney(amount, currency, { allowNegative: true }).minor.toString(), currency });

export const CREATED_AT = new Date('2026-03-01T09:00:01.000Z');
export const UPDATED_AT = new Date('2026-03-02T10:30:00.250Z');

export const protoUser = (fields: Partial<authV1.User> = {}): authV1.User => ({
  id: randomUUID(),
  email: 'ada@example.com',
  username: 'ada.l',
  isActive: true,
  baseCurrency: 'USD',
  timezone: 'UTC',
  notificationPreferences: { email: true, budgetAlerts: true, recurringReminders: true, goalMilestones: true },
  createdAt: CREATED_AT,
  updatedAt: UPDATED_AT,
  ...fields,
});

export const tokenPair = (fields: Partial<authV1.TokenPair> = {}): authV1.TokenPair => ({
  accessToken: 'header.payload.signature',
  refreshToken: `refresh-${randomUUID()}`,
  tokenType: 'Bearer',
  expiresIn: 900,
  ...fields,
});

export const protoCategory = (fields: Partial<ledgerV1.Category> = {}): ledgerV1.Category => ({
  id: randomUUID(),
  name: 'Groceries',
  color: '#1A2B3C',
  icon: undefined,
  createdAt: CREATED_AT,
  updatedAt: UPDATED_AT,
  ...fields,
});

export const protoTransaction = (fields: Partial<ledgerV1.Transaction> = {}): ledgerV1.Transaction => ({
  id: randomUUID(),
  userId: randomUUID(),
  amount: money('12.50'),
  transactionType: ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE,
  date: protoDate('2026-03-14'),
  description: '',
  categoryId: undefined,
  category: undefined,
  createdAt: CREATED_AT,
  updatedAt: UPDATED_AT,
  ...fields,
});

export const protoBudget = (fields: Partial<budgetingV1.Budget> = {}): budgetingV1.Budget => ({
  id: randomUUID(),
  name: 'Monthly budget',
  amount: money('500.00'),
  period: budgetingV1.BudgetPeriod.BUDGET_PERIOD_MONTHLY,
  startDate: protoDate('2026-03-01'),
  endDate: undefined,
  categoryId: undefined,
  createdAt: CREATED_AT,
  updatedAt: UPDATED_AT,
  ...fields,
});

export const protoAnalysis = (fields: Partial<budgetingV1.BudgetAnalysis> = {}): budgetingV1.BudgetAnalysis => ({
  periodStart: protoDate('2026-03-01'),
  periodEnd: protoDate('2026-03-31'),
  spent: money('0.30'),
  remaining: money('99.70'),
  percentUsed: '0.30',
  status: budgetingV1.BudgetStatus.BUDGET_STATUS_UNDER,
  dailyAverage: money('0.03'),
  projectedSpend: money('0.93'),
  daysInPeriod: 31,
  daysElapsed: 10,
  history: [],
  excludedCurrencies: [],
  ...fields,
});

export const protoBudgetStatusItem = (fields: Partial<reportingV1.BudgetStatusItem> = {}): reportingV1.BudgetStatusItem => ({
  budgetId: randomUUID(),
  name: 'Monthly budget',
  categoryId: undefined,
  amount: money('100.00'),
  spent: money('25.50'),
  remaining: money('74.50'),
  percentUsed: '25.50',
  status: reportingV1.BudgetStatus.BUDGET_STATUS_UNDER,
  periodStart: protoDate('2026-03-01'),
  periodEnd: protoDate('2026-03-31'),
  excludedCurrencies: [],
  ...fields,
});

export const protoSpending = (fields: Partial<reportingV1.GetSpendingResponse> = {}): reportingV1.GetSpendingResponse => ({
  from: protoDate('2026-03-01'),
  to: protoDate('2026-03-31'),
  currency: 'USD',
  total: money('0.00'),
  items: [],
  excludedCurrencies: [],
  ...fields,
});

export const protoIncomeVsExpense = (fields: Partial<reportingV1.GetIncomeVsExpenseResponse> = {}): reportingV1.GetIncomeVsExpenseResponse => ({
  currency: 'USD',
  items: [],
  totals: { income: money('0.00'), expense: money('0.00'), net: money('0.00') },
  excludedCurrencies: [],
  interval: reportingV1.Interval.INTERVAL_MONTH,
  ...fields,
});
