import type { GrpcClient } from '@finance/platform';
import type { authV1, budgetingV1, ledgerV1, reportingV1 } from '@finance/proto';

/** The promise client of auth's gRPC API (`createGrpcClient(authV1.AuthServiceService, …)`). */
export type AuthClient = GrpcClient<typeof authV1.AuthServiceService>;

/** The promise client of the ledger's gRPC API (`createGrpcClient(ledgerV1.LedgerServiceService, …)`). */
export type LedgerClient = GrpcClient<typeof ledgerV1.LedgerServiceService>;

/** The promise client of the budgeting service's gRPC API (`createGrpcClient(budgetingV1.BudgetingServiceService, …)`). */
export type BudgetingClient = GrpcClient<typeof budgetingV1.BudgetingServiceService>;

/** The promise client of the reporting service's gRPC API (`createGrpcClient(reportingV1.ReportingServiceService, …)`). */
export type ReportingClient = GrpcClient<typeof reportingV1.ReportingServiceService>;
