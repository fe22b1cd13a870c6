// Real auth + ledger in-process for the integration tests of services that depend on them
// (budgeting, reporting). Depends on those two apps only; no app depends on it outside its tests.
export {
  createCategory,
  date,
  EXPENSE,
  INCOME,
  iso,
  minor,
  proxiedAddress,
  recordTransaction,
  rejected,
  startCoreServices,
  type CoreServices,
  type LedgerClient,
  type Rejection,
} from './core-services.js';
// The auth part is @finance/test-auth's (shared with the ledger's tests).
export { registerUser, testLogLevel, updateProfile, type AuthClient, type SharedServiceEnv } from '@finance/test-auth';
