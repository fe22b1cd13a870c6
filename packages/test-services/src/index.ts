// Real auth + ledger in-process for the integration tests of services that depend on them
// (budgeting, reporting). Depends on those two apps only; no app depends on it outside its tests.
export {
  createCategory,
  EXPENSE,
  INCOME,
  minor,
  proxiedAddress,
  recordTransaction,
  startCoreServices,
  type CoreServices,
  type LedgerClient,
} from './core-services.js';
// gRPC test helpers shared with every service's tests.
export { date, iso, rejected, type Rejection } from '@finance/testing';
// The auth part is @finance/test-auth's (shared with the ledger's tests).
export { registerUser, testLogLevel, updateProfile, type AuthClient, type SharedServiceEnv } from '@finance/test-auth';
