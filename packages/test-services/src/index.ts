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
  registerUser,
  rejected,
  startCoreServices,
  testLogLevel,
  updateProfile,
  type AuthClient,
  type CoreServices,
  type LedgerClient,
  type Rejection,
  type SharedServiceEnv,
} from './core-services.js';
