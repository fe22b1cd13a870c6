// The response fields API.md promises, as the e2e suites check them (every key, no more), and the
// shapes of timestamps and ids.

export const USER_FIELDS = ['base_currency', 'created_at', 'email', 'id', 'is_active', 'notification_preferences', 'timezone', 'updated_at', 'username'];
export const TRANSACTION_FIELDS = ['amount', 'category', 'category_id', 'created_at', 'currency', 'date', 'description', 'id', 'transaction_type', 'updated_at'];
export const BUDGET_FIELDS = ['amount', 'category_id', 'created_at', 'currency', 'end_date', 'id', 'name', 'period', 'start_date', 'updated_at'];
export const ANALYSIS_FIELDS = [
  'daily_average',
  'days_elapsed',
  'days_in_period',
  'excluded_currencies',
  'history',
  'percent_used',
  'period_end',
  'period_start',
  'projected_spend',
  'remaining',
  'spent',
  'status',
];
export const STATUS_FIELDS = [
  'amount',
  'budget_id',
  'category_id',
  'currency',
  'excluded_currencies',
  'name',
  'percent_used',
  'period_end',
  'period_start',
  'remaining',
  'spent',
  'status',
];
export const SPENDING_FIELDS = ['currency', 'excluded_currencies', 'from', 'items', 'to', 'total'];
export const SPENDING_ITEM_FIELDS = ['category_id', 'category_name', 'count', 'total'];
export const INCOME_VS_EXPENSE_FIELDS = ['currency', 'excluded_currencies', 'from', 'interval', 'items', 'to', 'totals'];
export const INTERVAL_FIELDS = ['expense', 'income', 'net', 'period_end', 'period_start'];
export const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
