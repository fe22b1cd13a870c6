import { status } from '@grpc/grpc-js';
import { createGrpcClient, isServiceError, type GrpcClient } from '@finance/platform';
import { DomainError } from '@finance/platform/errors';
import { authV1 } from '@finance/proto';
import type { UserDirectory } from '../../application/context.js';
import { errors, LedgerErrorCode } from '../../domain/errors.js';

export type AuthClient = GrpcClient<typeof authV1.AuthServiceService>;

export function createAuthClient(address: string): AuthClient {
  return createGrpcClient(authV1.AuthServiceService, address, { deadlineMs: 3000 });
}

/** The UserDirectory port over auth's gRPC API; auth's failures become the ledger's own errors. */
export function authUserDirectory(client: AuthClient): UserDirectory {
  return {
    async baseCurrencyOf(userId) {
      try {
        const { user } = await client.getUser({ userId });
        if (!user) throw errors.userNotFound();
        return user.baseCurrency;
      } catch (err) {
        if (!isServiceError(err)) throw err;
        if (err.code === status.UNAUTHENTICATED || err.code === status.NOT_FOUND) throw errors.userNotFound();
        if (err.code === status.DEADLINE_EXCEEDED) {
          throw new DomainError('deadline', LedgerErrorCode.authUnavailable, 'The account service did not answer in time.', { cause: err });
        }
        throw errors.authUnavailable(err);
      }
    },
  };
}
