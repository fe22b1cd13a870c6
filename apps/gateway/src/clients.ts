import type { ServiceClient } from '@finance/platform';
import type { DefinitionOf, ServiceName } from '@finance/platform/services';

/** A client of every service in the manifest (createServiceClient: request id, deadline, retries, one error mapping). */
export type ServiceClients = { [N in ServiceName]: ServiceClient<DefinitionOf<N>> };

export type AuthClient = ServiceClients['auth'];
export type LedgerClient = ServiceClients['ledger'];
export type BudgetingClient = ServiceClients['budgeting'];
export type ReportingClient = ServiceClients['reporting'];
export type GoalsClient = ServiceClients['goals'];
export type CurrencyClient = ServiceClients['currency'];
export type NotificationsClient = ServiceClients['notifications'];
