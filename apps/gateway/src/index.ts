export { buildGateway, BODY_LIMIT_BYTES, type BuildGatewayOptions } from './app.js';
export type { AuthClient, BudgetingClient, LedgerClient, ReportingClient, ServiceClients } from './clients.js';
export { gatewayConfigSchema, loadGatewayConfig, type GatewayConfig } from './config.js';
export { PROBLEM_TYPE_PREFIX, problemType, type Problem } from './plugins/problem.js';
export type { HealthCheck } from './routes/health.routes.js';
export type { AuthContext } from './security/access-token-verifier.js';
export { RevocationList, type RevocationListOptions } from './security/revocation-list.js';
export { startRevocationFeed, type RevocationFeedOptions } from './security/revocation-feed.js';
