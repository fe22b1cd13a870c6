// The real auth service in-process for integration tests. Depends on auth (and platform, proto,
// testing) only, so the ledger's tests can use it too (@finance/test-services depends on the ledger).
export {
  registerUser,
  sharedServiceEnv,
  startTestAuthService,
  testLogLevel,
  updateProfile,
  type AuthClient,
  type SharedServiceEnv,
  type TestAuthService,
} from './auth-service.js';
