import type { GrpcClient } from '@finance/platform';
import type { authV1 } from '@finance/proto';

/** The promise client of auth's gRPC API (`createGrpcClient(authV1.AuthServiceService, …)`). */
export type AuthClient = GrpcClient<typeof authV1.AuthServiceService>;
