export * as authV1 from './gen/finance/auth/v1/auth.js';
export * as commonV1 from './gen/finance/common/v1/common.js';
export * as ledgerV1 from './gen/finance/ledger/v1/ledger.js';
export * as budgetingV1 from './gen/finance/budgeting/v1/budgeting.js';
export * as reportingV1 from './gen/finance/reporting/v1/reporting.js';
export * as goalsV1 from './gen/finance/goals/v1/goals.js';
export * as currencyV1 from './gen/finance/currency/v1/currency.js';
export * as notificationsV1 from './gen/finance/notifications/v1/notifications.js';
